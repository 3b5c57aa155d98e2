import type { Lab } from '../lab/model.js';
import type { ProviderName } from './names.js';

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
 * A provider is a module with hooks around the lab's life, in the manner of netlab's provider framework:
 * its Vagrantfile fragment lives beside it (`<name>/vagrantfile.ts`), and these hooks prepare and clean the host.
 */
export interface Provider {
  name: ProviderName;
  /** Whether `vagrant up --parallel` works (VirtualBox refuses it). */
  parallelUp: boolean;
  /** Can this machine run the provider at all? Used by auto-detection; must be quick and side-effect free. */
  available(): Promise<boolean>;
  /** Prerequisites and host configuration, each with its fix. Nothing is changed. */
  preflight(lab: Lab): Promise<Finding[]>;
  /** Host preparation before `vagrant up` (the lxc bridge and box). Idempotent. */
  beforeUp?(lab: Lab, ctx: HookContext): Promise<void>;
  /** Host cleanup after `vagrant destroy` (the lxc bridge). Idempotent. */
  afterDown?(lab: Lab, ctx: HookContext): Promise<void>;
}
