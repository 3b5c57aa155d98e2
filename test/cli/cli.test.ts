import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { inProcess } from '../support/in-process.js';

const ROOT = join(import.meta.dirname, '../..');

const lab = (...args: string[]) => execa('node', [join(ROOT, 'bin/lab.js'), ...args], { reject: false, cwd: ROOT, env: { CI: 'true' } });

function labDir(edit: (s: string) => string = (s) => s): string {
  const dir = mkdtempSync(join(tmpdir(), 'lab-cli-'));
  writeFileSync(join(dir, 'lab.yaml'), edit(readFileSync(join(ROOT, 'lab.yaml'), 'utf8')));
  return dir;
}

describe('lab command line', () => {
  it('finds the committed Vagrantfile current (through bin/lab.js, as users run it)', async () => {
    const r = await lab('vagrantfile', '--check');
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
  });

  it('exits 1 and shows the difference when a Vagrantfile drifts from lab.yaml', async () => {
    const dir = labDir();
    cpSync(join(ROOT, 'Vagrantfile'), join(dir, 'Vagrantfile'));
    writeFileSync(join(dir, 'lab.yaml'), readFileSync(join(dir, 'lab.yaml'), 'utf8').replace('memory: 1024', 'memory: 2048'));
    const r = await inProcess('vagrantfile', '--check', '--lab', join(dir, 'lab.yaml'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/- +p\.memory = 1024/);
    expect(r.stderr).toMatch(/\+ +p\.memory = 2048/);
  });

  it('rejects a bad lab.yaml with exit 2, file, line and field, before Vagrant is called', async () => {
    const dir = labDir((s) => s.replace('ip: 192.168.205.11', 'ip: 10.1.1.1'));
    const r = await inProcess('up', '--provider', 'lxc', '--lab', join(dir, 'lab.yaml'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(dir, 'lab.yaml')}:22:9: nodes[1].ip: 10.1.1.1 is outside network.subnet`);
    expect(existsSync(join(dir, '.vagrant'))).toBe(false);
    expect(existsSync(join(dir, 'Vagrantfile'))).toBe(false);
  });

  it('rejects unknown commands, options and providers with exit 2', async () => {
    expect((await inProcess('uo')).code).toBe(2);
    const opt = await inProcess('up', '--provder', 'lxc');
    expect(opt.code).toBe(2);
    expect(opt.stderr).toContain("unknown option '--provder'");
    const misplaced = await inProcess('up', '--keep');
    expect(misplaced.code).toBe(2); // an option of another command is not silently taken
    expect(misplaced.stderr).toContain("unknown option '--keep'");
    const prov = await inProcess('up', '--provider', 'hyperv', '--lab', join(labDir(), 'lab.yaml'));
    expect(prov.code).toBe(2);
    expect(prov.stderr).toContain("--provider: unknown provider 'hyperv'");
  });

  it('rejects a --repeat that is not a whole number of at least 1, with exit 2', async () => {
    for (const n of ['0', '2.5', 'x']) {
      const r = await inProcess('scenario', 'sample', '--repeat', n);
      expect(r.code, n).toBe(2);
      expect(r.stderr).toContain(`'${n}' is not a whole number of at least 1`);
    }
  });

  it('refuses to bring up a lab whose name another folder holds, naming it, before anything is made', async () => {
    const state = mkdtempSync(join(tmpdir(), 'records-'));
    const other = labDir();
    writeFileSync(
      join(state, 'docker-lab.json'),
      JSON.stringify({ name: 'docker-lab', dir: other, file: join(other, 'lab.yaml'), provider: 'lxc', since: '2026-11-30T10:00:00Z' }),
    );
    const dir = labDir();
    process.env.DOCKER_LAB_STATE = state;
    const r = await inProcess('up', '--provider', 'lxc', '--lab', join(dir, 'lab.yaml')).finally(() => delete process.env.DOCKER_LAB_STATE);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`lab 'docker-lab' is up from another folder: ${other}`);
    expect(r.stderr).toContain(`lab down --lab ${join(other, 'lab.yaml')}`);
    expect(r.stdout).not.toContain('vagrant up (');
    expect(existsSync(join(dir, '.vagrant'))).toBe(false);
  });

  it('has nothing to do for a down of a lab that is not up, whatever providers the machine has', async () => {
    const dir = labDir((s) => s.replace('name: docker-lab', 'name: never-up'));
    const r = await inProcess('down', '--lab', join(dir, 'lab.yaml'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`lab never-up is not up from ${dir}: nothing to do`);
  });

  it("--list shows every lesson with its note, and says which of the notes' lessons none reproduces, and why", async () => {
    const r = await inProcess('scenario', '--list');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^joined-containers\s+`--network container:web1`/m);
    expect(r.stdout).toMatch(/^\s+reproduces note 004 "容器间通信的三种方式"$/m);
    expect(r.stdout).toMatch(/^not reproduced: note 004's overlay on Consul .*: no registry this lab reaches packages Consul/m);
  });

  it('refuses to run scenarios on a lab that is not up, with exit 2', async () => {
    const dir = labDir((s) => s.replace('name: docker-lab', 'name: never-up'));
    const r = await inProcess('scenario', 'sample', '--lab', join(dir, 'lab.yaml'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not up/);
  });
  it('refuses a bad --shard and bad merge input with exit 2, before any lab comes up', async () => {
    const shard = await inProcess(
      'matrix',
      '--docker',
      'bookworm',
      '--scenario',
      'bridge,overlay',
      '--shard',
      '3/2',
      '--out',
      mkdtempSync(join(tmpdir(), 'shard-')),
    );
    expect(shard.code).toBe(2);
    expect(shard.stderr).toContain("--shard '3/2': K must be between 1 and 2");
    const tooMany = await inProcess('matrix', '--docker', 'bookworm', '--scenario', 'bridge,overlay', '--shard', '1/3');
    expect(tooMany.code).toBe(2);
    expect(tooMany.stderr).toContain('3 shards for 2 cells');
    const none = await inProcess('matrix', 'merge');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("missing required argument 'dirs'");
    const empty = mkdtempSync(join(tmpdir(), 'shard-'));
    const notShard = await inProcess('matrix', 'merge', empty, '--out', join(empty, 'out'));
    expect(notShard.code).toBe(2);
    expect(notShard.stderr).toContain(`${empty}: no shard.json there`);
    expect(existsSync(join(empty, 'out'))).toBe(false);
    const typo = await inProcess('matrix', 'mrege', empty);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('too many arguments');
  });
});
