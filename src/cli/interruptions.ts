import { InterruptedError } from '../errors.js';

/**
 * Ctrl-C or SIGTERM aborts the work in hand, which then cleans up; a command that is itself the cleanup
 * (`down`) is not aborted but finishes first. Either way the exit code is the signal's, and a second signal
 * ends the process at once.
 */
export class Interruptions {
  private readonly controller = new AbortController();
  readonly signal = this.controller.signal;
  private finishing: string | null = null;
  private advice: string | null = null;
  private readonly listener = (sig: NodeJS.Signals) => this.interrupt(sig);

  /** Listens for SIGINT and SIGTERM until `dispose`. */
  listen(): this {
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, this.listener);
    return this;
  }

  dispose(): void {
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.off(sig, this.listener);
  }

  /** From now on a signal does not stop the command: `what` runs to its end. */
  finishFirst(what: string): void {
    this.finishing = what;
  }

  /** What the user should know when a signal cut the command short. */
  adviseWhenCut(text: string): void {
    this.advice = text;
  }

  /** Whether an error is the work's answer to a signal (a command that finishes first has none). */
  explains(err: unknown): boolean {
    return err instanceof InterruptedError || (this.signal.aborted && this.finishing === null);
  }

  /** The exit code the signal calls for, null when none came; says how the command ended after it. */
  end(completed: boolean): number | null {
    if (!this.signal.aborted) return null;
    const { signal, exitCode } = this.signal.reason as InterruptedError;
    if (completed && this.finishing) console.error(`${signal}: ${this.finishing} finished`);
    if (!completed && this.advice) console.error(`${signal}: ${this.advice}`);
    return exitCode;
  }

  private interrupt(sig: NodeJS.Signals): void {
    const interruption = new InterruptedError(sig);
    if (this.signal.aborted) process.exit(interruption.exitCode);
    const doing = this.finishing ? `finishing ${this.finishing} first` : 'stopping and cleaning up';
    console.error(`\n${sig}: ${doing} (again to quit at once)`);
    this.controller.abort(interruption);
  }
}
