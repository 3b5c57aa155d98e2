/**
 * Why a step did not pass on a node, as data. Reports print `check` and `detail`; the matrix, the exercise mode
 * and anything else that must tell failures apart read `kind` and its fields, never the text.
 */
export type Failure =
  /** An `expect` that did not hold: `check` says which, `detail` what was found instead. */
  | { kind: 'expectation'; check: string; detail: string }
  /** The command passed but its capture found nothing to take. */
  | { kind: 'capture'; check: string; detail: string }
  /** The attempt ran past its timeout and was killed on the node. */
  | { kind: 'timeout'; check: string; detail: string; timeoutMs: number }
  /** A retried step ran out of time. */
  | { kind: 'deadline'; check: string; detail: string; forMs: number; attempts: number }
  /** A `graph:` snapshot could not read a node's network. */
  | { kind: 'discovery'; check: string; detail: string }
  /** A daemon of the run is gone (at start, or found dead behind a failed step), with its own last words. */
  | { kind: 'daemon-died'; check: string; detail: string; daemon: string; lastWords: string };

/**
 * Why an attempt has no judged outcome at all: it was cut short, the node went away, or the command could not
 * be made (a value that could not be put in).
 */
export interface RunError {
  kind: 'interrupted' | 'node-lost' | 'timeout' | 'bad-value' | 'error';
  message: string;
}

/** The daemon's own refusal is usually the last non-empty line of what it printed (Docker's help hints aside). */
export function lastMeaningfulLine(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^(---|(Run|See) '.*--help')/.test(l) && !l.endsWith(':'));
  const line = lines[lines.length - 1] ?? '';
  return line.length > 140 ? `${line.slice(0, 137)}...` : line;
}
