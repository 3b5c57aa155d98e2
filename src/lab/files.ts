import { readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { PROVISION_DIR } from '../paths.js';
import type { Lab } from './model.js';
import { vagrantfilePath } from './model.js';
import { renderVagrantfile } from './vagrantfile.js';

/** The Vagrantfile this lab should have. The node setup script is named relative to the lab's folder. */
export function expectedVagrantfile(lab: Lab): string {
  return renderVagrantfile(lab, { nodeSetup: relative(lab.dir, join(PROVISION_DIR, 'node', 'setup.sh')) });
}

export type VagrantfileState = { kind: 'current' } | { kind: 'missing' } | { kind: 'drifted'; diff: string };

export async function vagrantfileState(lab: Lab): Promise<VagrantfileState> {
  const actual = await readFile(vagrantfilePath(lab), 'utf8').catch(() => null);
  if (actual === null) return { kind: 'missing' };
  const expected = expectedVagrantfile(lab);
  return actual === expected ? { kind: 'current' } : { kind: 'drifted', diff: lineDiff(actual, expected) };
}

export async function writeVagrantfile(lab: Lab): Promise<void> {
  await writeFile(vagrantfilePath(lab), expectedVagrantfile(lab));
}

/** A small unified-style diff: enough to see what drifted, without a diff library. */
export function lineDiff(actual: string, expected: string): string {
  const a = actual.split('\n');
  const b = expected.split('\n');
  const out: string[] = [];
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] === b[i]) continue;
    if (a[i] !== undefined) out.push(`${String(i + 1).padStart(4)} - ${a[i]}`);
    if (b[i] !== undefined) out.push(`${String(i + 1).padStart(4)} + ${b[i]}`);
    if (out.length > 40) {
      out.push('     ...');
      break;
    }
  }
  return out.join('\n');
}
