import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import SSHConfig from 'ssh-config';
import { FailureError, InputError } from '../errors.js';
import type { Lab } from '../lab/model.js';
import type { SshTarget } from '../ssh/target.js';
import type { Vagrant } from '../vagrant/driver.js';
import { parseSshConfig } from '../vagrant/parse.js';

/** `vagrant ssh-config` costs seconds; `up` writes it here once and every later command reads it. */
function cacheFile(lab: Lab): string {
  return join(lab.dir, '.vagrant', 'docker-lab', 'ssh-config');
}

export async function refreshTargets(lab: Lab, vagrant: Vagrant): Promise<SshTarget[]> {
  const targets = await vagrant.sshConfig();
  const missing = lab.nodes.find((n) => !targets.some((t) => t.node === n.name));
  if (missing) throw new FailureError(`node ${missing.name}: \`vagrant ssh-config\` gives no SSH address for it`);
  await mkdir(join(lab.dir, '.vagrant', 'docker-lab'), { recursive: true });
  await writeFile(cacheFile(lab), sshConfigText(targets), { mode: 0o600 });
  return inLabOrder(lab, targets)!;
}

/** The SSH targets of the lab's nodes, from the cache `up` wrote; null when the lab is not up (no cache, or a node missing from it). */
async function cachedTargets(lab: Lab): Promise<SshTarget[] | null> {
  const text = await readFile(cacheFile(lab), 'utf8').catch(() => null);
  return text === null ? null : inLabOrder(lab, parseSshConfig(text));
}

/**
 * The targets of a lab that must be up, for every command that runs on its nodes. A lab that is not up is the
 * user's to fix before anything runs, so it is bad input (exit 2), said the same way everywhere.
 */
export async function requireTargets(lab: Lab): Promise<SshTarget[]> {
  const targets = await cachedTargets(lab);
  if (!targets) throw new InputError(notUpMessage(lab));
  return targets;
}

/** Pure: the one way to say a lab is not up, with its fix. */
function notUpMessage(lab: Lab): string {
  return `lab '${lab.name}' is not up (no SSH addresses recorded under ${lab.dir}/.vagrant); bring it up with \`lab up --lab ${lab.file}\` (\`npm run up\` for the course's lab.yaml)`;
}

export async function forgetTargets(lab: Lab): Promise<void> {
  await rm(join(lab.dir, '.vagrant', 'docker-lab'), { recursive: true, force: true });
}

/** The path of the cached ssh-config, for plain `ssh -F` (the benchmark compares against it). */
export function sshConfigPath(lab: Lab): string {
  return cacheFile(lab);
}

function inLabOrder(lab: Lab, targets: readonly SshTarget[]): SshTarget[] | null {
  const ordered = lab.nodes.map((node) => targets.find((t) => t.node === node.name));
  return ordered.every((t) => t !== undefined) ? ordered : null;
}

/** The targets as ssh_config text: readable by `ssh -F` as by `parseSshConfig`. Pure. */
export function sshConfigText(targets: readonly SshTarget[]): string {
  const config = new SSHConfig();
  for (const t of targets) {
    config.append({
      Host: t.node,
      HostName: t.host,
      Port: String(t.port),
      User: t.user,
      IdentityFile: t.identityFile,
      IdentitiesOnly: 'yes',
      // The nodes' host keys change with every `up`: there is nothing to pin.
      UserKnownHostsFile: '/dev/null',
      StrictHostKeyChecking: 'no',
      LogLevel: 'FATAL',
    });
  }
  return SSHConfig.stringify(config);
}
