import { constants as osConstants } from 'node:os';

/** Where in a file something is wrong. Lines and columns count from 1, as editors show them. */
export interface Location {
  file: string;
  line?: number;
  column?: number;
  /** Dotted path of the field, e.g. `nodes[1].ip`. */
  field?: string;
}

export function formatLocation(loc: Location): string {
  let s = loc.file;
  if (loc.line !== undefined) s += `:${loc.line}`;
  if (loc.line !== undefined && loc.column !== undefined) s += `:${loc.column}`;
  if (loc.field) s += ` (${loc.field})`;
  return s;
}

/**
 * Bad input from the user: a file, an argument, a missing tool. Exit code 2, and by construction it is raised
 * before anything runs on a node.
 */
export class InputError extends Error {
  readonly exitCode = 2;
  constructor(
    message: string,
    readonly problems: readonly { loc?: Location; message: string }[] = [],
  ) {
    super(message);
    this.name = 'InputError';
  }

  static at(loc: Location, message: string): InputError {
    return new InputError(`${formatLocation(loc)}: ${message}`, [{ loc, message }]);
  }

  /** The full text shown to the user: the headline and one line per problem. */
  describe(): string {
    if (this.problems.length <= 1) return this.message;
    return [this.message, ...this.problems.map((p) => `  ${p.loc ? `${formatLocation(p.loc)}: ` : ''}${p.message}`)].join('\n');
  }
}

/** Something failed on the way (a command, a node, a daemon). Exit code 1. */
export class FailureError extends Error {
  readonly exitCode = 1;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FailureError';
  }
}

/**
 * The user interrupted us (Ctrl-C or SIGTERM). Exit code 128 + the signal's number, as a shell reports a
 * process the signal ended: 130 for SIGINT, 143 for SIGTERM.
 */
export class InterruptedError extends Error {
  readonly exitCode: number;
  constructor(
    readonly signal: NodeJS.Signals,
    /** The step the signal cut short, when one was running. */
    readonly step?: string,
  ) {
    super(step ? `${signal} interrupted step "${step}"` : `interrupted by ${signal}`);
    this.name = 'InterruptedError';
    this.exitCode = 128 + osConstants.signals[signal];
  }

  /** The same interruption, naming the step it cut short; the innermost step of nested lists wins. */
  during(step: string): InterruptedError {
    return this.step ? this : new InterruptedError(this.signal, step);
  }
}

/** The exit code of work an abort signal stopped: the signal's own (130, 143), or Ctrl-C's when it gave none. */
export function interruptedExitCode(signal: AbortSignal | undefined): number {
  return signal?.reason instanceof InterruptedError ? signal.reason.exitCode : 130;
}

export function exitCodeOf(err: unknown): number {
  if (err instanceof InputError || err instanceof FailureError || err instanceof InterruptedError) return err.exitCode;
  return 1;
}
