import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FailureError } from '../errors.js';
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
  await mkdir(join(lab.dir, '.vagrant', 'docker-lab'), { recursive: true });
  await writeFile(cacheFile(lab), targets.map(toSshConfig).join('\n'), { mode: 0o600 });
  return checkTargets(lab, targets);
}

/** The SSH targets of the lab's nodes, from the cache `up` wrote; null when there is none (the lab is not up). */
export async function cachedTargets(lab: Lab): Promise<SshTarget[] | null> {
  const text = await readFile(cacheFile(lab), 'utf8').catch(() => null);
  return text === null ? null : checkTargets(lab, parseSshConfig(text));
}

export async function forgetTargets(lab: Lab): Promise<void> {
  await rm(join(lab.dir, '.vagrant', 'docker-lab'), { recursive: true, force: true });
}

/** The path of the cached ssh-config, for plain `ssh -F` (the benchmark compares against it). */
export function sshConfigPath(lab: Lab): string {
  return cacheFile(lab);
}

function checkTargets(lab: Lab, targets: SshTarget[]): SshTarget[] {
  return lab.nodes.map((node) => {
    const t = targets.find((x) => x.node === node.name);
    if (!t) throw new FailureError(`node ${node.name} has no SSH address (is it up? run \`npm run up\`)`);
    return t;
  });
}

function toSshConfig(t: SshTarget): string {
  return [
    `Host ${t.node}`,
    `  HostName ${t.host}`,
    `  Port ${t.port}`,
    `  User ${t.user}`,
    `  IdentityFile ${t.identityFile}`,
    '  IdentitiesOnly yes',
    '  UserKnownHostsFile /dev/null',
    '  StrictHostKeyChecking no',
    '  LogLevel FATAL',
    '',
  ].join('\n');
}
