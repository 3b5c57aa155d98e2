/**
 * Which folder brought a lab up, and with which provider. A lab name is the host's: LXC containers and the
 * bridge are named after it, so a second checkout with the same name would reach for the first one's machines.
 * The record is written before `up` touches anything and removed only when `down` has finished, so `down` and
 * `status` always use the provider the lab really has, and a later `down` with no record has nothing to do.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import type { Lab } from '../lab/model.js';
import { isProviderName, type ProviderName } from '../providers/index.js';

interface LabRecord {
  name: string;
  /** The folder that holds the lab's lab.yaml and Vagrant state. */
  dir: string;
  file: string;
  provider: ProviderName;
  since: string;
}

/** Per user, like Vagrant's own state: VirtualBox labs belong to the user who made them. */
function recordsDir(): string {
  return process.env.DOCKER_LAB_STATE ?? join(process.env.XDG_STATE_HOME ?? join(homedir(), '.local', 'state'), 'docker-lab', 'labs');
}

function recordFile(name: string): string {
  return join(recordsDir(), `${name}.json`);
}

export async function readRecord(name: string): Promise<LabRecord | null> {
  const text = await readFile(recordFile(name), 'utf8').catch(() => null);
  if (text === null) return null;
  const r = JSON.parse(text) as LabRecord;
  return isProviderName(r.provider) ? r : null;
}

/** Refuses a lab whose name another folder holds, naming that folder and both ways out. Exit 2. */
function refuseForeign(lab: Lab, owner: LabRecord): never {
  throw new InputError(
    [
      `lab '${lab.name}' is up from another folder: ${owner.dir} (${owner.provider}, since ${owner.since}); its machines are not this folder's`,
      `  bring it down there: lab down --lab ${owner.file}`,
      `  or give this lab another name: change \`name:\` in ${lab.file}, or pass --lab with a lab file of another name`,
    ].join('\n'),
  );
}

/** Before `up` touches anything: the lab is this folder's (true when recorded now) or another's (refused). */
export async function claimLab(lab: Lab, provider: ProviderName): Promise<boolean> {
  const owner = await readRecord(lab.name);
  if (owner && owner.dir !== lab.dir) refuseForeign(lab, owner);
  if (owner && owner.provider !== provider) {
    throw new InputError(`lab '${lab.name}' is up with provider ${owner.provider}, not ${provider}; bring it down first (lab down --lab ${lab.file})`);
  }
  if (owner) return false;
  await mkdir(recordsDir(), { recursive: true });
  const record: LabRecord = { name: lab.name, dir: lab.dir, file: lab.file, provider, since: new Date().toISOString() };
  await writeFile(recordFile(lab.name), `${JSON.stringify(record, null, 2)}\n`);
  return true;
}

/**
 * The provider this folder's lab was brought up with: from the record, else from Vagrant's own machine state
 * (a lab brought up before records existed); null when the lab is not up from here. A lab another folder holds
 * is refused.
 */
export async function recordedProvider(lab: Lab): Promise<ProviderName | null> {
  const owner = await readRecord(lab.name);
  if (owner && owner.dir !== lab.dir) refuseForeign(lab, owner);
  if (owner) return owner.provider;
  return vagrantMachinesProvider(lab);
}

/** The last step of a completed `down`. */
export async function releaseLab(lab: Lab): Promise<void> {
  const owner = await readRecord(lab.name);
  if (owner && owner.dir === lab.dir) await rm(recordFile(lab.name), { force: true });
}

/** The provider Vagrant created the lab's machines with, from its state folder; null if none exist. */
export async function vagrantMachinesProvider(lab: Lab): Promise<ProviderName | null> {
  for (const node of lab.nodes) {
    const machine = join(lab.dir, '.vagrant', 'machines', node.name);
    for (const dir of await readdir(machine).catch(() => [] as string[])) {
      if (!isProviderName(dir)) continue;
      if ((await readdir(join(machine, dir)).catch(() => [] as string[])).includes('id')) return dir;
    }
  }
  return null;
}
