import { execa, type ResultPromise } from 'execa';
import { FailureError } from '../errors.js';
import type { Lab } from '../lab/model.js';
import type { SshTarget } from '../ssh/target.js';
import { isRubyFrame, type MachineStatus, parseSshConfig, parseStatus, terminalLines, vagrantFailure } from './parse.js';

type LineSink = (line: string) => void;

/** No call reaches the network: the checkpoint and box-update checks are off. */
const QUIET = { VAGRANT_CHECKPOINT_DISABLE: '1', VAGRANT_BOX_UPDATE_CHECK_DISABLE: '1', VAGRANT_NO_COLOR: '1' };

/**
 * The installed Vagrant plugins' names (Debian's system plugins included). Asked once per process: each provider's
 * usability and preflight ask it, and every `vagrant plugin list` starts Ruby (most of a second).
 */
let plugins: Promise<string[]> | undefined;

export function vagrantPlugins(): Promise<string[]> {
  plugins ??= listPlugins();
  return plugins;
}

async function listPlugins(): Promise<string[]> {
  const r = await execa('vagrant', ['plugin', 'list'], { reject: false, env: QUIET });
  return String(r.stdout)
    .split('\n')
    .map((l) => /^(\S+) \(/.exec(l)?.[1])
    .filter((n): n is string => n !== undefined);
}

/** Adds (or replaces) a box from a local file; the error carries the end of Vagrant's output. */
export async function addBox(name: string, file: string): Promise<void> {
  const r = await execa('vagrant', ['box', 'add', '--force', '--name', name, file], { all: true, reject: false, env: QUIET, stdin: 'ignore' });
  if (r.exitCode !== 0) throw new FailureError(`vagrant box add ${name} failed:\n${vagrantFailure(String(r.all))}`);
}

/**
 * Runs Vagrant for one lab: its folder is VAGRANT_CWD, so the committed Vagrantfile of the default lab and the
 * temporary ones of test and matrix labs are driven the same way. This file is the only one that runs `vagrant`.
 */
export class Vagrant {
  constructor(
    readonly lab: Lab,
    readonly provider: string,
  ) {}

  private env(): Record<string, string> {
    return { ...QUIET, VAGRANT_CWD: this.lab.dir, VAGRANT_DEFAULT_PROVIDER: this.provider };
  }

  private async run(args: string[], opts: { onLine?: LineSink; signal?: AbortSignal; reject?: boolean } = {}) {
    const child: ResultPromise = execa('vagrant', args, {
      env: this.env(),
      all: true,
      reject: false,
      stdin: 'ignore',
      cancelSignal: opts.signal,
      // Vagrant traps SIGINT to roll back; give it time to finish that before we insist.
      forceKillAfterDelay: 30_000,
      killSignal: 'SIGINT',
      // A group of its own: Ctrl-C in a terminal reaches the whole foreground group, and a second SIGINT makes
      // Vagrant quit without rolling back. Only the one we forward on the signal must reach it, and none during `down`.
      detached: true,
    });
    const [result] = await Promise.all([child, opts.onLine ? forwardLines(child, opts.onLine) : undefined]);
    if (result.isCanceled) throw opts.signal?.reason ?? new FailureError(`vagrant ${args[0]} was interrupted`);
    if (result.exitCode !== 0 && opts.reject !== false) {
      throw new FailureError(`\`vagrant ${args.join(' ')}\` failed with exit code ${result.exitCode}:\n${vagrantFailure(String(result.all ?? ''))}`);
    }
    return result;
  }

  async up(opts: { parallel: boolean; onLine?: LineSink; signal?: AbortSignal }): Promise<void> {
    await this.run(['up', `--provider=${this.provider}`, opts.parallel ? '--parallel' : '--no-parallel'], opts);
  }

  /** Takes no signal: destroying is the cleanup, and an interrupted one would leave the machines behind. */
  async destroy(opts: { onLine?: LineSink } = {}): Promise<void> {
    await this.run(['destroy', '--force'], opts);
  }

  async status(): Promise<MachineStatus[]> {
    const result = await this.run(['status', '--machine-readable']);
    return parseStatus(String(result.stdout));
  }

  async sshConfig(): Promise<SshTarget[]> {
    const result = await this.run(['ssh-config']);
    return parseSshConfig(String(result.stdout));
  }
}

/** Vagrant's output as a person reads it: progress rewrites collapsed, Ruby's backtrace left out. */
async function forwardLines(child: ResultPromise, sink: LineSink): Promise<void> {
  try {
    for await (const line of child.iterable({ from: 'all' })) {
      for (const shown of terminalLines(String(line))) if (!isRubyFrame(shown)) sink(shown);
    }
  } catch {
    // A cancelled or failed Vagrant: its result says what happened.
  }
}
