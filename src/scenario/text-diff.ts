/** Readable "expected vs actual" text for failure reports. Pure functions. */

/** The last `lines` lines of `text` (reports show tails, transcripts keep everything). */
export function tail(text: string, lines = 20): string {
  const all = text.replace(/\n$/, '').split('\n');
  if (all.length <= lines) return all.join('\n');
  return [`... (${all.length - lines} earlier lines)`, ...all.slice(-lines)].join('\n');
}

/**
 * A unified-style line diff (`-` expected, `+` actual) for multi-line values; for one-liners, the two
 * values one above the other, which reads better than a diff.
 */
export function diffText(expected: string, actual: string): string {
  const a = expected.split('\n');
  const b = actual.split('\n');
  if (a.length === 1 && b.length === 1) return `  expected: ${JSON.stringify(expected)}\n  actual:   ${JSON.stringify(actual)}`;
  // Longest common subsequence table; outputs here are small (a few hundred lines at most).
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) for (let j = b.length - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const out: string[] = ['  --- expected', '  +++ actual'];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) (out.push(`    ${a[i]}`), i++, j++);
    else if (j < b.length && (i >= a.length || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) (out.push(`  + ${b[j]}`), j++);
    else (out.push(`  - ${a[i]}`), i++);
  }
  return out.join('\n');
}

export function preview(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}
