import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const lab = (...args: string[]) => execa('node', [join(ROOT, 'bin/lab.js'), ...args], { reject: false, cwd: ROOT, env: { CI: 'true' } });

function labDir(edit: (s: string) => string = (s) => s): string {
  const dir = mkdtempSync(join(tmpdir(), 'lab-cli-'));
  writeFileSync(join(dir, 'lab.yaml'), edit(readFileSync(join(ROOT, 'lab.yaml'), 'utf8')));
  return dir;
}

describe('lab command line', () => {
  it('finds the committed Vagrantfile current', async () => {
    const r = await lab('vagrantfile', '--check');
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
  });

  it('exits 1 and shows the difference when a Vagrantfile drifts from lab.yaml', async () => {
    const dir = labDir();
    cpSync(join(ROOT, 'Vagrantfile'), join(dir, 'Vagrantfile'));
    writeFileSync(join(dir, 'lab.yaml'), readFileSync(join(dir, 'lab.yaml'), 'utf8').replace('memory: 1024', 'memory: 2048'));
    const r = await lab('vagrantfile', '--check', '--lab', join(dir, 'lab.yaml'));
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/- +p\.memory = 1024/);
    expect(r.stderr).toMatch(/\+ +p\.memory = 2048/);
  });

  it('rejects a bad lab.yaml with exit 2, file, line and field, before Vagrant is called', async () => {
    const dir = labDir((s) => s.replace('ip: 192.168.205.11', 'ip: 10.1.1.1'));
    const r = await lab('up', '--provider', 'lxc', '--lab', join(dir, 'lab.yaml'));
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`${join(dir, 'lab.yaml')}:22:9: nodes[1].ip: 10.1.1.1 is outside network.subnet`);
    expect(existsSync(join(dir, '.vagrant'))).toBe(false);
    expect(existsSync(join(dir, 'Vagrantfile'))).toBe(false);
  });

  it('rejects unknown commands, options and providers with exit 2', async () => {
    expect((await lab('uo')).exitCode).toBe(2);
    const opt = await lab('up', '--provder', 'lxc');
    expect(opt.exitCode).toBe(2);
    expect(opt.stderr).toContain("Unknown option '--provder'");
    const prov = await lab('up', '--provider', 'hyperv', '--lab', join(labDir(), 'lab.yaml'));
    expect(prov.exitCode).toBe(2);
    expect(prov.stderr).toContain("--provider: unknown provider 'hyperv'");
  });

  it('rejects a --repeat that is not a whole number of at least 1, with exit 2', async () => {
    for (const n of ['0', '2.5', 'x']) {
      const r = await lab('scenario', 'sample', '--repeat', n);
      expect(r.exitCode, n).toBe(2);
      expect(r.stderr).toContain(`--repeat: '${n}' is not a whole number`);
    }
  });

  it('refuses to run scenarios on a lab that is not up, with exit 2', async () => {
    const dir = labDir((s) => s.replace('name: docker-lab', 'name: never-up'));
    const r = await lab('scenario', 'sample', '--lab', join(dir, 'lab.yaml'));
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/not up/);
  });
  it('refuses a bad --shard and bad merge input with exit 2, before any lab comes up', async () => {
    // Every bad value has its unit test (test/matrix/); here, that the command line turns them into exit 2.
    const out = mkdtempSync(join(tmpdir(), 'shard-'));
    const shard = await lab('matrix', '--docker', 'bookworm', '--scenario', 'bridge,overlay', '--shard', '3/2', '--out', out);
    expect(shard.exitCode).toBe(2);
    expect(shard.stderr).toContain("--shard '3/2': K must be between 1 and 2");
    expect(existsSync(join(out, 'labs'))).toBe(false);
    const notShard = await lab('matrix', 'merge', out, '--out', join(out, 'merged'));
    expect(notShard.exitCode).toBe(2);
    expect(notShard.stderr).toContain(`${out}: no shard.json there`);
    expect(existsSync(join(out, 'merged'))).toBe(false);
  }, 120_000); // two CLI starts: a budget for a loaded machine, not a speed check // six CLI starts: a budget for a loaded machine, not a speed check
});
