import { dirname, join, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { LocatedDocument } from '../yaml/located.js';
import { type Cidr, parseCidr } from './ipv4.js';
import { type LabFile, labSchema } from './schema.js';

export interface LabNode {
  name: string;
  ip: string;
  memory: number;
  cpus: number;
}

/** A validated lab with defaults applied: everything downstream reads this, never the raw file. */
export interface Lab {
  name: string;
  /** The folder that holds lab.yaml, the Vagrantfile and Vagrant's state (.vagrant/). */
  dir: string;
  file: string;
  network: Cidr & { cidr: string };
  suite: LabFile['suite'];
  docker: { version: string };
  etcd: { version: string };
  /** Provider name -> box; the provider registry checks the names. */
  boxes: Record<string, string>;
  nodes: LabNode[];
}

const DEFAULT_MEMORY = 1024;
const DEFAULT_CPUS = 1;

export function loadLab(file: string): Lab {
  const doc = LocatedDocument.read(file);
  const raw = doc.validate(labSchema, 'invalid lab');
  return toLab(raw, resolve(file));
}

export function toLab(raw: LabFile, file: string): Lab {
  return {
    name: raw.name,
    dir: dirname(file),
    file,
    network: { ...parseCidr(raw.network.subnet)!, cidr: raw.network.subnet },
    suite: raw.suite,
    docker: raw.docker,
    etcd: raw.etcd,
    boxes: raw.boxes,
    nodes: raw.nodes.map((n) => ({
      name: n.name,
      ip: n.ip,
      memory: n.memory ?? raw.resources.memory ?? DEFAULT_MEMORY,
      cpus: n.cpus ?? raw.resources.cpus ?? DEFAULT_CPUS,
    })),
  };
}

export function vagrantfilePath(lab: Lab): string {
  return join(lab.dir, 'Vagrantfile');
}

/** A problem with a valid lab.yaml that only the host reveals (a box not installed, a subnet in use), pointed at its field. */
export function labFieldError(lab: Lab, path: readonly PropertyKey[], message: string): InputError {
  return InputError.at(LocatedDocument.read(lab.file).locate(path), message);
}
