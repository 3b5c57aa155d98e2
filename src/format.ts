/** Small texts several rooms say alike, so they read the same everywhere. Pure. */

/**
 * `300 ms` under a second, else `16.2 s`: tenths even past a minute, for run times people compare with each
 * other (the digit matters) and for the timeouts and build times said beside them.
 */
export function formatTime(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** A headline of many problems: the first, then how many more follow (`...: no such node (and 2 more)`). */
export function firstOfMany(first: string, total: number): string {
  return total > 1 ? `${first} (and ${total - 1} more)` : first;
}
