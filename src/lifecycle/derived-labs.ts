/**
 * Labs made from another lab: the matrix's lab per Docker version, and a teacher's N labs stamped from one
 * lab.yaml. Each is written as a lab.yaml of its own (with its Vagrantfile) in a folder of its own, so every
 * command works on it as on a hand-written one.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { type Lab, labFieldError, loadLab } from '../lab/model.js';
import type { LabFile } from '../lab/schema.js';
import { writeVagrantfile } from '../providers/vagrantfile-file.js';

/** Resources are given per node, so the lab-wide default stays empty. */
type RawLab = LabFile;

/** Writes `dir/lab.yaml` (headed by `why`) and its Vagrantfile, and loads it back through the one validation. */
export async function writeDerivedLab(dir: string, raw: RawLab, why: string): Promise<Lab> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'lab.yaml');
  await writeFile(file, `# ${why}\n${stringify(raw)}`);
  const lab = loadLab(file);
  await writeVagrantfile(lab);
  return lab;
}

/** The lab as a file would say it, nodes with their resolved resources. Pure. */
export function rawOf(lab: Lab): RawLab {
  return {
    name: lab.name,
    network: { subnet: lab.network.cidr },
    suite: lab.suite,
    docker: lab.docker,
    etcd: lab.etcd,
    boxes: lab.boxes,
    resources: {},
    nodes: lab.nodes.map((n) => ({ name: n.name, ip: n.ip, memory: n.memory, cpus: n.cpus })),
  };
}

/** `name-01`, `name-02`...: the stamped labs' names sort in order. */
function stampName(base: string, index: number, count: number): string {
  return `${base}-${String(index).padStart(Math.max(2, String(count).length), '0')}`;
}

/**
 * Lab `index` (from 1) of `count` stamped from `base`: named `<name>-NN`, on the index-th /24 from the base's
 * (192.168.240.0/24, then .241, ...), nodes at the same last octets. Pure; refuses, at the base file's field,
 * what cannot be stamped.
 */
export function stampRaw(base: Lab, index: number, count: number): RawLab {
  if (base.network.prefix !== 24)
    throw labFieldError(base, ['network', 'subnet'], `--count stamps labs on consecutive /24 subnets; ${base.network.cidr} is not a /24`);
  const octets = base.network.cidr.split('/')[0]!.split('.').map(Number);
  if (octets[2]! + count - 1 > 255) {
    throw labFieldError(
      base,
      ['network', 'subnet'],
      `--count ${count} needs ${count} consecutive /24 subnets from ${base.network.cidr}, past 255 in the third octet; start lower`,
    );
  }
  const name = stampName(base.name, count, count);
  if (name.length > 32) throw labFieldError(base, ['name'], `--count adds '-${name.split('-').pop()}': the stamped names would pass 32 characters`);
  const prefix = `${octets[0]}.${octets[1]}.${octets[2]! + index - 1}.`;
  const raw = rawOf(base);
  return {
    ...raw,
    name: stampName(base.name, index, count),
    network: { subnet: `${prefix}0/24` },
    nodes: raw.nodes.map((n) => ({ ...n, ip: `${prefix}${n.ip.split('.')[3]}` })),
  };
}

/** The N labs a teacher stamps from one lab.yaml, written under `<lab folder>/labs/<name>-NN/`. */
export async function stampLabs(base: Lab, count: number): Promise<Lab[]> {
  const raws = Array.from({ length: count }, (_, i) => stampRaw(base, i + 1, count)); // every refusal before any write
  return Promise.all(
    raws.map((raw) => writeDerivedLab(join(base.dir, 'labs', raw.name), raw, `Stamped from ${base.file} by \`--count ${count}\`; edit that file instead.`)),
  );
}
