import type { Usability } from '../host/usability.js';
import type { Lab, LabNode } from '../lab/model.js';

/** A finding of the preflight: what is wrong and the exact command or change that fixes it. */
export interface Finding {
  ok: boolean;
  what: string;
  fix?: string;
}

export interface HookContext {
  /** Progress lines for the user (shown under the current task). */
  log: (line: string) => void;
  signal?: AbortSignal;
}

/**
 * What a provider contributes to the Vagrantfile for one node: the lines inside
 * `node.vm.provider "<name>" do |p, override| ... end`. Pure, so the Vagrantfile renders without the machine.
 */
export type VagrantfileFragment = (lab: Lab, node: LabNode) => string[];

/**
 * A provider is one folder under src/providers/ and one entry in the registry (index.ts): its Vagrantfile
 * fragment, how to tell whether the machine can run it, and hooks around the lab's life, in the manner of
 * netlab's provider modules. Nothing outside its folder knows a provider by name.
 */
export interface Provider<N extends string = string> {
  name: N;
  /** Whether `vagrant up --parallel` works (VirtualBox refuses it). */
  parallelUp: boolean;
  vagrantfile: VagrantfileFragment;
  /**
   * Can this machine run the provider? Auto-detection trusts only this, so it must prove it (a device that
   * exists is not a hypervisor that works). Side-effect free, and quick enough to run on every `up`.
   */
  usable(): Promise<Usability>;
  /** What `--provider NAME` does where `usable` says no, when that is not simply a failure (libvirt: emulation). */
  insist?: string;
  /** Prerequisites and host configuration, each with its fix. Nothing is changed. */
  preflight(lab: Lab): Promise<Finding[]>;
  /** What a lab on this provider can do to its host, said by `lab doctor` (and the README). */
  hostExposure: string;
  /** Host preparation before `vagrant up` (the lxc bridge and box). Idempotent. */
  beforeUp?(lab: Lab, ctx: HookContext): Promise<void>;
  /** Before `vagrant destroy`: what destroying needs on the host (libvirt's daemons, gone after a reboot). Idempotent. */
  beforeDown?(lab: Lab, ctx: HookContext): Promise<void>;
  /** After `vagrant destroy`: whatever of the machines Vagrant lost track of. Idempotent. */
  afterDestroy?(lab: Lab, ctx: HookContext): Promise<void>;
  /** Host cleanup once the machines are gone (the lxc bridge). Idempotent. */
  afterDown?(lab: Lab, ctx: HookContext): Promise<void>;
  /**
   * Labs side by side (a teacher's `--count`) share one host, and each lab's own preflight sees room for itself
   * alone: this says whether the host has room for all of them at once, before any comes up, in the manner of
   * containerlab's deployment checks. A provider without a shared host limit leaves it out.
   */
  roomForLabs?(labs: readonly Lab[]): Promise<Finding>;
  /**
   * `lab matrix` brings its labs up on this provider, one per Debian suite with the box docker-lab builds for it
   * (the suite then pins the Docker version). It must run without virtualization, so that any CI host has it.
   * One provider in the registry says so.
   */
  runsMatrix?: true;
}
