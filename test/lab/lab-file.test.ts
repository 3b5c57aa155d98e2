import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { loadLab } from '../../src/lab/model.js';
import { checkBox } from '../../src/providers/box.js';
import { openLab } from '../../src/providers/index.js';

const GOOD = readFileSync(join(import.meta.dirname, '../../lab.yaml'), 'utf8');

function labFrom(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'lab-file-')), 'lab.yaml');
  writeFileSync(file, text);
  return file;
}

/** Everything that is checked before a lab is touched: the file, the registry's box names, lxc's box. */
async function problemOf(text: string): Promise<{ file: string; line?: number; column?: number; field?: string; message: string }> {
  const file = labFrom(text);
  try {
    await checkBox(openLab(file), 'lxc');
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    const e = err as InputError;
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain(file);
    const p = e.problems[0]!;
    return { ...p.loc!, message: p.message };
  }
  throw new Error('expected the lab file to be rejected');
}

/** Each case edits the good lab.yaml in one place and names the line, field and message it must produce. */
const cases: { kind: string; edit: (s: string) => string; line: number; field: string; message: RegExp }[] = [
  { kind: 'YAML syntax', edit: (s) => s.replace('  subnet: 192.168.205.0/24', '  subnet: [192.168.205.0/24'), line: 5, field: '', message: /YAML syntax/ },
  { kind: 'unknown top-level key', edit: (s) => `${s}nodez: []\n`, line: 23, field: 'nodez', message: /unknown field 'nodez'/ },
  {
    kind: 'unknown node key',
    edit: (s) => s.replace('    ip: 192.168.205.11', '    ip: 192.168.205.11\n    mem: 512'),
    line: 23,
    field: 'nodes[1].mem',
    message: /unknown field 'mem'/,
  },
  { kind: 'missing lab name', edit: (s) => s.replace('name: docker-lab\n', ''), line: 2, field: 'name', message: /missing required field 'name'/ },
  { kind: 'bad lab name', edit: (s) => s.replace('name: docker-lab', 'name: Docker_Lab'), line: 2, field: 'name', message: /lower-case letters/ },
  {
    kind: 'invalid node address',
    edit: (s) => s.replace('ip: 192.168.205.11', 'ip: 192.168.205.300'),
    line: 22,
    field: 'nodes[1].ip',
    message: /IPv4 address/,
  },
  {
    kind: 'address outside the subnet',
    edit: (s) => s.replace('ip: 192.168.205.11', 'ip: 192.168.206.11'),
    line: 22,
    field: 'nodes[1].ip',
    message: /outside network.subnet/,
  },
  {
    kind: "the host's own address",
    edit: (s) => s.replace('ip: 192.168.205.11', 'ip: 192.168.205.1'),
    line: 22,
    field: 'nodes[1].ip',
    message: /host's own address/,
  },
  {
    kind: 'duplicate address',
    edit: (s) => s.replace('ip: 192.168.205.11', 'ip: 192.168.205.10'),
    line: 22,
    field: 'nodes[1].ip',
    message: /duplicate address/,
  },
  {
    kind: 'duplicate node name',
    edit: (s) => s.replace('name: docker-node2', 'name: docker-node1'),
    line: 21,
    field: 'nodes[1].name',
    message: /duplicate node name/,
  },
  {
    kind: 'subnet with host bits',
    edit: (s) => s.replace('subnet: 192.168.205.0/24', 'subnet: 192.168.205.1/24'),
    line: 4,
    field: 'network.subnet',
    message: /IPv4 \/8..\/30 network/,
  },
  { kind: 'memory of the wrong type', edit: (s) => s.replace('memory: 1024', 'memory: lots'), line: 16, field: 'resources.memory', message: /expected number/ },
  { kind: 'too little memory', edit: (s) => s.replace('memory: 1024', 'memory: 64'), line: 16, field: 'resources.memory', message: /at least 256/ },
  { kind: 'zero CPUs', edit: (s) => s.replace('cpus: 1', 'cpus: 0'), line: 17, field: 'resources.cpus', message: /at least 1/ },
  { kind: 'unknown suite', edit: (s) => s.replace('suite: bookworm', 'suite: buster'), line: 5, field: 'suite', message: /bullseye|expected one of/ },
  {
    kind: 'unknown provider box',
    edit: (s) => s.replace('  vmware_desktop: bento/debian-12', '  hyperv: bento/debian-12'),
    line: 13,
    field: 'boxes.hyperv',
    message: /unknown provider 'hyperv'/,
  },
  {
    kind: 'lxc box of another suite',
    edit: (s) => s.replace('lxc: docker-lab/bookworm', 'lxc: docker-lab/trixie'),
    line: 14,
    field: 'boxes.lxc',
    message: /docker-lab\/bookworm/,
  },
  { kind: 'bad Docker version', edit: (s) => s.replace('version: 20.10.24', 'version: latest'), line: 7, field: 'docker.version', message: /version such as/ },
  { kind: 'a single node', edit: (s) => s.replace(/ {2}- name: docker-node2\n {4}ip: 192.168.205.11\n/, ''), line: 19, field: 'nodes', message: /two nodes/ },
];

describe('lab.yaml validation', () => {
  it('accepts the committed lab.yaml and applies defaults', () => {
    const lab = loadLab(labFrom(GOOD));
    expect(lab.nodes.map((n) => [n.name, n.ip, n.memory, n.cpus])).toEqual([
      ['docker-node1', '192.168.205.10', 1024, 1],
      ['docker-node2', '192.168.205.11', 1024, 1],
    ]);
    expect(lab.network.hostAddress).toBe('192.168.205.1');
  });

  it.each(cases)('reports $kind with file, line and field', async ({ edit, line, field, message }) => {
    const edited = edit(GOOD);
    expect(edited).not.toBe(GOOD);
    const p = await problemOf(edited);
    expect(p.message).toMatch(message);
    expect(p.line).toBe(line);
    expect(p.column).toBeGreaterThan(0);
    if (field) expect(p.field).toBe(field);
  });

  it('refuses a docker-lab box for a provider docker-lab has no packer for, naming the field', async () => {
    const lab = openLab(labFrom(GOOD.replace('vmware_desktop: bento/debian-12', 'vmware_desktop: docker-lab/bookworm')));
    const err = await checkBox(lab, 'vmware_desktop').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toMatch(/boxes\.vmware_desktop.*docker-lab builds no boxes for vmware_desktop/);
    await expect(checkBox(lab, 'lxc')).resolves.toBeUndefined();
  });
});
