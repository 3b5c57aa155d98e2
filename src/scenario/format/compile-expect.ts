/**
 * `expect:` as written -> the Expectation judge/expect.ts applies, with every regex, JSON path and `${{ }}` in it
 * checked before a node is touched. Problems go to the checker; what can be compiled is.
 */
import { type Expectation, type JsonCheck, type JsonOp, regexError, regexLiteral, type StringCheck, type StringOp } from '../judge/expect.js';
import { parseJsonPath } from '../judge/json-path.js';
import type { Checker, Path, Source } from './builder.js';
import { findPlaceholders } from './interpolate.js';
import type { ExpectFile, StringMatcherFile } from './schema.js';
import { resolveExpression } from './scope.js';

export function compileExpectation(c: Checker, source: Source, raw: ExpectFile | undefined, at: Path, captures: ReadonlySet<string>): Expectation {
  const e: Expectation = { exit: [0], stdout: [], stderr: [], json: [] };
  if (!raw) return e;
  if (raw.exit !== undefined) e.exit = typeof raw.exit === 'number' ? [raw.exit] : raw.exit;
  for (const stream of ['stdout', 'stderr'] as const) {
    const matcher = raw[stream];
    if (matcher !== undefined) e[stream] = stringChecks(c, source, matcher, [...at, stream], captures);
  }
  (raw.json ?? []).forEach((j, k) => {
    const jat: Path = [...at, 'json', k];
    const path = parseJsonPath(j.path);
    if (!path) {
      c.problem(source.doc.locate([...jat, 'path']), `'${j.path}' is not a JSON path such as $[0].Scope or $.Name`);
      return;
    }
    for (const op of ['equals', 'exists', 'contains', 'matches'] as JsonOp[]) {
      const value = j[op];
      if (value === undefined) continue;
      const check: JsonCheck = { path, pathText: j.path, op, value, flags: '' };
      if (op === 'matches') {
        const lit = regexLiteral(String(value)) ?? { source: String(value), flags: '' };
        Object.assign(check, { value: lit.source, flags: lit.flags });
        checkRegex(c, source, lit.source, lit.flags, [...jat, op], captures);
      } else checkTextsIn(c, source, value, [...jat, op], captures);
      e.json.push(check);
    }
  });
  return e;
}

function stringChecks(c: Checker, source: Source, matcher: StringMatcherFile, at: Path, captures: ReadonlySet<string>): StringCheck[] {
  const entries: [StringOp, string, Path][] =
    typeof matcher === 'string'
      ? [[regexLiteral(matcher) ? 'matches' : 'equals', matcher, at]]
      : (['equals', 'contains', 'matches', 'not_matches'] as const).flatMap((op) => {
          const given = matcher[op];
          if (given === undefined) return [];
          return typeof given === 'string' ? [[op, given, [...at, op]]] : given.map((text, i): [StringOp, string, Path] => [op, text, [...at, op, i]]);
        });
  return entries.map(([op, text, where]) => {
    if (op === 'matches' || op === 'not_matches') {
      const lit = regexLiteral(text) ?? { source: text, flags: '' };
      checkRegex(c, source, lit.source, lit.flags, where, captures);
      return { op, value: lit.source, flags: lit.flags };
    }
    checkPlaceholders(c, source, text, where, captures);
    return { op, value: text, flags: '' };
  });
}

function checkRegex(c: Checker, source: Source, regex: string, flags: string, at: Path, captures: ReadonlySet<string>): void {
  if (!checkPlaceholders(c, source, regex, at, captures)) return;
  // Placeholder values are inserted escaped, so any literal stands in for them here.
  const error = regexError(regex.replace(/\$\{\{[^}]*\}\}/g, 'x'), flags);
  if (error) c.problem(source.doc.locate(at), `invalid regex: ${error}`);
}

function checkTextsIn(c: Checker, source: Source, value: unknown, at: Path, captures: ReadonlySet<string>): void {
  if (typeof value === 'string') checkPlaceholders(c, source, value, at, captures);
  else if (Array.isArray(value)) {
    for (const [k, v] of value.entries()) checkTextsIn(c, source, v, [...at, k], captures);
  } else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) checkTextsIn(c, source, v, [...at, k], captures);
}

/** True when every `${{ }}` in `text` names something that will exist when the step runs. */
export function checkPlaceholders(c: Checker, source: Source, text: string, at: Path, captures: ReadonlySet<string>): boolean {
  const scan = findPlaceholders(text);
  if (!scan.ok) {
    c.problem(source.doc.locateText(at, text.slice(scan.index, scan.index + 3)), scan.message);
    return false;
  }
  let ok = true;
  for (const ph of scan.placeholders) {
    const r = resolveExpression(ph.expr, {
      lab: c.lab,
      vars: source.vars,
      captures: Object.fromEntries([...captures].map((name) => [name, ''])),
      ...(source.watching ? { watch: { output: '' } } : {}),
    });
    if (!r.ok) {
      ok = false;
      c.problem(source.doc.locateText(at, text.slice(ph.start, ph.end)), r.message);
    }
  }
  return ok;
}
