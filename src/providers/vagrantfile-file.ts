import { readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { type Lab, vagrantfilePath } from '../lab/model.js';
import { PROVISION_DIR } from '../paths.js';
import { renderVagrantfile } from './vagrantfile.js';

/** The Vagrantfile this lab should have. The node setup script is named relative to the lab's folder. */
export function expectedVagrantfile(lab: Lab): string {
  return renderVagrantfile(lab, { nodeSetup: relative(lab.dir, join(PROVISION_DIR, 'node', 'setup.sh')) });
}

type VagrantfileState = { kind: 'current' } | { kind: 'missing' } | { kind: 'drifted'; diff: string };

export async function vagrantfileState(lab: Lab): Promise<VagrantfileState> {
  const actual = await readFile(vagrantfilePath(lab), 'utf8').catch(() => null);
  if (actual === null) return { kind: 'missing' };
  const expected = expectedVagrantfile(lab);
  if (actual === expected) return { kind: 'current' };
  return {
    kind: 'drifted',
    diff: createTwoFilesPatch('Vagrantfile', `Vagrantfile from ${relative(lab.dir, lab.file)}`, actual, expected, '', '', { context: 1 }),
  };
}

export async function writeVagrantfile(lab: Lab): Promise<void> {
  await writeFile(vagrantfilePath(lab), expectedVagrantfile(lab));
}
