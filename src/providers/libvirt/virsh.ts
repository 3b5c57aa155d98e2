/** The thin edge to libvirt: `virsh` on the system connection, the one vagrant-libvirt uses. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { FailureError } from '../../errors.js';

const URI = 'qemu:///system';

export async function virsh(args: string[], opts: { reject?: boolean } = {}): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  const r = await execa('virsh', ['--connect', URI, '--quiet', ...args], { reject: false, stdin: 'ignore' });
  const out = { ok: r.exitCode === 0, stdout: String(r.stdout), stderr: String(r.stderr).trim() };
  if (!out.ok && opts.reject !== false) throw new FailureError(`virsh ${args.join(' ')} failed: ${out.stderr}`);
  return out;
}

/** Names one per line, as `virsh *-list --name` prints them. Pure. */
function parseNames(stdout: string): string[] {
  return stdout
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

export async function list(kind: 'domains' | 'networks' | 'pools'): Promise<string[]> {
  const cmd = { domains: ['list', '--all', '--name'], networks: ['net-list', '--all', '--name'], pools: ['pool-list', '--all', '--name'] }[kind];
  return parseNames((await virsh(cmd)).stdout);
}

export async function volumes(pool: string): Promise<string[]> {
  const r = await virsh(['vol-list', '--pool', pool], { reject: false });
  // `vol-list` prints "name  path" rows; names have no spaces (Vagrant's and ours).
  return r.ok ? parseNames(r.stdout).map((l) => l.split(/\s+/)[0]!) : [];
}

/** `virsh <cmd> FILE` with the XML in a temporary file. */
export async function defineFromXml(cmd: 'net-define' | 'pool-define', xml: string): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'docker-lab-virsh-'));
  try {
    const file = join(dir, 'def.xml');
    await writeFile(file, xml);
    await virsh([cmd, file]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Whether libvirtd answers on the system connection. */
export async function libvirtdAnswers(): Promise<boolean> {
  return (await virsh(['version'], { reject: false })).ok;
}
