/** Readable "expected vs actual" text for failure reports. Pure functions. */
import { diffLines } from 'diff';

/** The last `lines` lines of `text` (reports show tails, transcripts keep everything). */
export function tail(text: string, lines = 20): string {
  const all = text.replace(/\n$/, '').split('\n');
  if (all.length <= lines) return all.join('\n');
  return [`... (${all.length - lines} earlier lines)`, ...all.slice(-lines)].join('\n');
}

/**
 * A line diff (`-` expected, `+` actual) for multi-line values; for one-liners, the two values one above the
 * other, which reads better than a diff.
 */
export function diffText(expected: string, actual: string): string {
  if (!expected.includes('\n') && !actual.includes('\n')) return `  expected: ${JSON.stringify(expected)}\n  actual:   ${JSON.stringify(actual)}`;
  const out = ['  --- expected', '  +++ actual'];
  for (const part of diffLines(expected, actual)) {
    const mark = part.added ? '+' : part.removed ? '-' : ' ';
    for (const line of part.value.replace(/\n$/, '').split('\n')) out.push(`  ${mark} ${line}`);
  }
  return out.join('\n');
}

export function preview(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}
