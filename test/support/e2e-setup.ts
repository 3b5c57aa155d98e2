/**
 * Before any end-to-end file: the lab box, built once if its recipe changed. Tests that wait for a lab's first
 * container must not be the ones that pay for a box build, whichever file runs first.
 */
import { join } from 'node:path';
import { loadLab } from '../../src/lab/model.js';
import { ensureBox } from '../../src/providers/box.js';
import { timed } from './times.js';

export default async function setup(): Promise<void> {
  const lab = loadLab(join(import.meta.dirname, '../../lab.yaml'));
  await timed('the lxc box (built when its recipe changed)', () => ensureBox(lab, 'lxc', (line) => console.log(`[e2e setup] ${line}`)));
}
