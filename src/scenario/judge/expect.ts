/**
 * Expectations: what must hold after a command ran. The runner only executes; this module only judges.
 * Each check is one entry of a table below (name -> predicate returning a readable failure or null), so a
 * new check is a few lines: add it to the schema and to one table. Pure functions.
 */
import type { Failure } from '../failure.js';
import { getJsonPath, type JsonPath } from './json-path.js';
import { diffText, preview, tail } from './text-diff.js';

/** What came back from one command. */
export interface CommandOutput {
  exitCode: number | null;
  signal?: string;
  stdout: string;
  stderr: string;
}

export type StringOp = 'equals' | 'contains' | 'matches' | 'not_matches';
export interface StringCheck {
  op: StringOp;
  /** Text, possibly holding `${{ }}` placeholders until the runner fills them. */
  value: string;
  /** For matches/not_matches: regex flags. */
  flags: string;
}

export type JsonOp = 'equals' | 'exists' | 'contains' | 'matches';
export interface JsonCheck {
  path: JsonPath;
  pathText: string;
  op: JsonOp;
  value: unknown;
  flags: string;
}

export interface Expectation {
  exit: number[];
  stdout: StringCheck[];
  stderr: StringCheck[];
  json: JsonCheck[];
}

/** An expectation that did not hold: e.g. check `stdout matches /cluster is healthy/`, detail expected against actual. */
type CheckFailure = Extract<Failure, { kind: 'expectation' }>;

export const DEFAULT_EXPECTATION: Expectation = { exit: [0], stdout: [], stderr: [], json: [] };

/** Output as compared: without the final newline that nearly every command prints. */
function body(text: string): string {
  return text.replace(/\r?\n$/, '');
}

const stringOps: Record<StringOp, { describe: (c: StringCheck) => string; fails: (actual: string, c: StringCheck) => string | null }> = {
  equals: {
    describe: (c) => `equals ${preview(c.value)}`,
    fails: (actual, c) => (actual.trim() === c.value.trim() ? null : diffText(c.value.trim(), actual.trim())),
  },
  contains: {
    describe: (c) => `contains ${preview(c.value)}`,
    fails: (actual, c) => (actual.includes(c.value) ? null : `  expected to contain: ${preview(c.value)}\n  actual (tail):\n${indent(tail(actual, 10))}`),
  },
  matches: {
    describe: (c) => `matches /${c.value}/${c.flags}`,
    fails: (actual, c) =>
      new RegExp(c.value, c.flags).test(body(actual)) ? null : `  expected to match: /${c.value}/${c.flags}\n  actual (tail):\n${indent(tail(actual, 10))}`,
  },
  not_matches: {
    describe: (c) => `does not match /${c.value}/${c.flags}`,
    fails: (actual, c) => {
      const m = new RegExp(c.value, c.flags).exec(body(actual));
      return m ? `  expected not to match: /${c.value}/${c.flags}\n  but found: ${preview(m[0])}` : null;
    },
  },
};

const jsonOps: Record<JsonOp, { describe: (c: JsonCheck) => string; fails: (found: ReturnType<typeof getJsonPath>, c: JsonCheck) => string | null }> = {
  exists: {
    describe: (c) => `${c.pathText} ${c.value ? 'exists' : 'does not exist'}`,
    fails: (found, c) => {
      if (found.found === c.value) return null;
      return found.found
        ? `  expected no value at ${c.pathText}, got ${preview(found.value)}`
        : `  expected a value at ${c.pathText}; ${found.at} has nothing further`;
    },
  },
  equals: {
    describe: (c) => `${c.pathText} equals ${preview(c.value)}`,
    fails: (found, c) => {
      if (!found.found) return `  expected ${c.pathText} to equal ${preview(c.value)}; ${found.at} has nothing further`;
      if (sameJson(found.value, c.value)) return null;
      if (isScalar(found.value) && isScalar(c.value)) return `  expected ${c.pathText} to equal ${preview(c.value)}\n  actual: ${preview(found.value)}`;
      return `  ${c.pathText}\n${diffText(stringify(c.value), stringify(found.value))}`;
    },
  },
  contains: {
    describe: (c) => `${c.pathText} contains ${preview(c.value)}`,
    fails: (found, c) => {
      if (!found.found) return `  expected ${c.pathText} to contain ${preview(c.value)}; ${found.at} has nothing further`;
      const v = found.value;
      const ok = Array.isArray(v) ? v.some((item) => sameJson(item, c.value)) : typeof v === 'string' && v.includes(String(c.value));
      return ok ? null : `  expected ${c.pathText} to contain ${preview(c.value)}\n  actual: ${preview(v)}`;
    },
  },
  matches: {
    describe: (c) => `${c.pathText} matches /${String(c.value)}/${c.flags}`,
    fails: (found, c) => {
      if (!found.found) return `  expected ${c.pathText} to match /${String(c.value)}/; ${found.at} has nothing further`;
      const text = typeof found.value === 'string' ? found.value : JSON.stringify(found.value);
      return new RegExp(String(c.value), c.flags).test(text)
        ? null
        : `  expected ${c.pathText} to match /${String(c.value)}/${c.flags}\n  actual: ${preview(found.value)}`;
    },
  },
};

/** Every check that does not hold; empty when the outcome is as expected. */
export function checkOutcome(expectation: Expectation, outcome: CommandOutput): CheckFailure[] {
  const failures: CheckFailure[] = [];
  if (outcome.exitCode === null) {
    failures.push({
      kind: 'expectation',
      check: `exit ${expectation.exit.join(' or ')}`,
      detail: `  the command ended without an exit code${outcome.signal ? ` (signal ${outcome.signal})` : ''}`,
    });
  } else if (!expectation.exit.includes(outcome.exitCode)) {
    failures.push({
      kind: 'expectation',
      check: `exit ${expectation.exit.join(' or ')}`,
      detail: `  expected exit code ${expectation.exit.join(' or ')}, got ${outcome.exitCode}`,
    });
  }
  for (const stream of ['stdout', 'stderr'] as const) {
    for (const c of expectation[stream]) {
      const op = stringOps[c.op];
      const detail = op.fails(outcome[stream], c);
      if (detail !== null) failures.push({ kind: 'expectation', check: `${stream} ${op.describe(c)}`, detail });
    }
  }
  if (expectation.json.length > 0) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(outcome.stdout);
    } catch (err) {
      failures.push({
        kind: 'expectation',
        check: 'stdout is JSON',
        detail: `  ${(err as Error).message}\n  stdout (tail):\n${indent(tail(outcome.stdout, 10))}`,
      });
      return failures;
    }
    for (const c of expectation.json) {
      const op = jsonOps[c.op];
      const detail = op.fails(getJsonPath(parsed, c.path), c);
      if (detail !== null) failures.push({ kind: 'expectation', check: `json ${op.describe(c)}`, detail });
    }
  }
  return failures;
}

/** One line per check, for reports: "exit 0; stdout matches /x/". */
export function describeExpectation(expectation: Expectation): string {
  const parts = [`exit ${expectation.exit.join(' or ')}`];
  for (const stream of ['stdout', 'stderr'] as const) for (const c of expectation[stream]) parts.push(`${stream} ${stringOps[c.op].describe(c)}`);
  for (const c of expectation.json) parts.push(`json ${jsonOps[c.op].describe(c)}`);
  return parts.join('; ');
}

/** Fills placeholders of every text of an expectation (values as is; regex sources get escaped values). */
export function fillExpectation(e: Expectation, fill: (text: string) => string, fillRegex: (text: string) => string): Expectation {
  const strings = (checks: StringCheck[]) =>
    checks.map((c) => ({ ...c, value: c.op === 'matches' || c.op === 'not_matches' ? fillRegex(c.value) : fill(c.value) }));
  const deep = (v: unknown): unknown =>
    typeof v === 'string'
      ? fill(v)
      : Array.isArray(v)
        ? v.map(deep)
        : v && typeof v === 'object'
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, deep(x)]))
          : v;
  return {
    exit: e.exit,
    stdout: strings(e.stdout),
    stderr: strings(e.stderr),
    json: e.json.map((c) => ({ ...c, value: c.op === 'matches' ? fillRegex(String(c.value)) : deep(c.value) })),
  };
}

/** `/source/flags` in the short form; in the long form also a bare source. Null when it is not a regex literal. */
export function regexLiteral(text: string): { source: string; flags: string } | null {
  const m = /^\/(.*)\/([dgimsuy]*)$/s.exec(text);
  return m ? { source: m[1]!, flags: m[2]! } : null;
}

/** The message of a regex that does not compile, or null. */
export function regexError(source: string, flags: string): string | null {
  try {
    new RegExp(source, flags);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

/** Scalars compare by their text (YAML `1450` and JSON `"1450"` are the same to a reader); structures by content. */
function isScalar(v: unknown): boolean {
  return v === null || typeof v !== 'object';
}

function sameJson(actual: unknown, expected: unknown): boolean {
  if (isScalar(actual) && isScalar(expected)) return String(actual) === String(expected);
  return stringify(actual) === stringify(expected);
}

function stringify(v: unknown): string {
  return JSON.stringify(sortKeys(v), null, 2) ?? String(v);
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
    );
  return v;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}
