import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { loadLab } from '../../src/lab/model.js';
import { stampLabs, stampRaw } from '../../src/lifecycle/derived-labs.js';

const ROOT = join(import.meta.dirname, '../..');

function base(edit: (s: string) => string = (s) => s) {
  const dir = mkdtempSync(join(tmpdir(), 'stamp-'));
  const file = join(dir, 'lab.yaml');
  writeFileSync(file, edit(readFileSync(join(ROOT, 'lab.yaml'), 'utf8').replace('name: docker-lab', 'name: class').replaceAll('192.168.205.', '192.168.240.')));
  return loadLab(file);
}

function refusal(run: () => unknown): InputError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error('expected a refusal');
}

describe('labs stamped from one lab.yaml (--count N)', () => {
  it('names them <name>-01..N on consecutive /24 subnets, nodes at the same last octets', () => {
    const lab = base();
    expect(stampRaw(lab, 1, 16)).toMatchObject({
      name: 'class-01',
      network: { subnet: '192.168.240.0/24' },
      nodes: [
        { name: 'docker-node1', ip: '192.168.240.10' },
        { name: 'docker-node2', ip: '192.168.240.11' },
      ],
    });
    expect(stampRaw(lab, 16, 16)).toMatchObject({
      name: 'class-16',
      network: { subnet: '192.168.255.0/24' },
      nodes: [{ ip: '192.168.255.10' }, { ip: '192.168.255.11' }],
    });
    const low = base((t) => t.replaceAll('192.168.240.', '10.1.0.'));
    expect(stampRaw(low, 7, 120)).toMatchObject({ name: 'class-007', network: { subnet: '10.1.6.0/24' } });
  });

  it('writes each as a lab of its own, with its Vagrantfile, that loads like a hand-written one', async () => {
    const lab = base();
    const labs = await stampLabs(lab, 3);
    expect(labs.map((l) => [l.name, l.network.cidr, l.dir])).toEqual(
      [1, 2, 3].map((i) => [`class-0${i}`, `192.168.24${i - 1}.0/24`, join(lab.dir, 'labs', `class-0${i}`)]),
    );
    expect(readFileSync(join(labs[2]!.dir, 'Vagrantfile'), 'utf8')).toContain('192.168.242.11');
    expect(labs[0]!.nodes).toEqual(lab.nodes.map((n) => ({ ...n, ip: n.ip })));
  });

  it("refuses, at the base file's field, subnets past 255, a subnet that is not a /24 and names that grow too long", () => {
    const lab = base();
    expect(refusal(() => stampRaw(lab, 1, 17)).message).toMatch(
      /lab\.yaml:4:\d+ \(network\.subnet\): --count 17 needs 17 consecutive \/24 subnets from 192\.168\.240\.0\/24/,
    );
    const wide = base((s) => s.replace('192.168.240.0/24', '192.168.240.0/23'));
    expect(refusal(() => stampRaw(wide, 1, 2)).message).toMatch(/\(network\.subnet\): --count stamps labs on consecutive \/24 subnets/);
    const long = base((s) => s.replace('name: class', `name: ${'a'.repeat(31)}`));
    expect(refusal(() => stampRaw(long, 1, 2)).message).toMatch(/\(name\): --count adds '-02': the stamped names would pass 32 characters/);
  });
});
