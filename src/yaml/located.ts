import { readFileSync } from 'node:fs';
import { type Document, isMap, isNode, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import type { z } from 'zod';
import { InputError, type Location } from '../errors.js';
import { firstOfMany } from '../format.js';

/** A YAML document that remembers where each value came from, so errors can point at file:line:column. */
export class LocatedDocument {
  private constructor(
    readonly file: string,
    readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
    private readonly text: string,
  ) {}

  /** Parses YAML text; syntax errors become an InputError that names file, line and column. */
  static parse(file: string, text: string): LocatedDocument {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    const errors = doc.errors;
    if (errors.length > 0) {
      // After the first few, YAML errors are mostly echoes of the first one: keep what helps.
      const problems = errors.slice(0, 5).map((e) => {
        const pos = lines.linePos(e.pos[0]);
        return { loc: { file, line: pos.line, column: pos.col }, message: `YAML syntax: ${firstLine(e.message)}` };
      });
      throw new InputError(firstOfMany(`invalid YAML: ${formatProblem(problems[0]!)}`, errors.length), problems);
    }
    return new LocatedDocument(file, doc, lines, text);
  }

  static read(file: string): LocatedDocument {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new InputError(`${file}: cannot read: ${(err as Error).message}`);
    }
    return LocatedDocument.parse(file, text);
  }

  toJS(): unknown {
    return this.doc.toJS();
  }

  /**
   * The location of the value at `path`. When the path does not exist (a missing key), points at the
   * deepest ancestor that does, so "missing field" errors land on the map that lacks it.
   */
  locate(path: readonly PropertyKey[]): Location {
    let node: unknown = this.doc.contents;
    let keyNode: YamlNode | undefined;
    for (const key of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => (isNode(p.key) ? (p.key as { value?: unknown }).value : p.key) === key);
        if (!pair) break;
        keyNode = isNode(pair.key) ? pair.key : undefined;
        node = pair.value;
      } else if (isSeq(node) && typeof key === 'number') {
        const item = node.items[key];
        if (item === undefined) break;
        keyNode = undefined;
        node = item;
      } else break;
    }
    const target = isNode(node) && node.range ? node : keyNode;
    const offset = target?.range?.[0];
    const loc: Location = { file: this.file, field: formatPath(path) };
    if (offset !== undefined) {
      const pos = this.lines.linePos(offset);
      loc.line = pos.line;
      loc.column = pos.col;
    }
    return loc;
  }

  /**
   * Location of `needle` inside the scalar at `path` (e.g. one `${{ }}` inside a multi-line command), found
   * in the source text of that scalar; falls back to the scalar itself when the source spells it differently
   * (escapes in a double-quoted string, folded lines).
   */
  locateText(path: readonly PropertyKey[], needle: string): Location {
    const loc = this.locate(path);
    const node = this.doc.getIn(path, true);
    const range = isNode(node) ? node.range : undefined;
    if (!range) return loc;
    const at = this.text.slice(range[0], range[1]).indexOf(needle);
    if (at < 0) return loc;
    const pos = this.lines.linePos(range[0] + at);
    return { ...loc, line: pos.line, column: pos.col };
  }

  /** Location of a key itself (for "unknown key" errors), falling back to its value's location. */
  locateKey(path: readonly PropertyKey[]): Location {
    const parent = this.doc.getIn(path.slice(0, -1), true);
    const last = path[path.length - 1];
    if (isMap(parent)) {
      const pair = parent.items.find((p) => (isNode(p.key) ? (p.key as { value?: unknown }).value : p.key) === last);
      const range = pair && isNode(pair.key) ? pair.key.range : undefined;
      if (range) {
        const pos = this.lines.linePos(range[0]);
        return { file: this.file, line: pos.line, column: pos.col, field: formatPath(path) };
      }
    }
    return this.locate(path);
  }

  /**
   * Validates the document against a zod schema. Every issue becomes a problem with file, line, column and
   * field; the first one heads the error.
   */
  validate<S extends z.ZodType>(schema: S, what: string): z.output<S> {
    const result = schema.safeParse(this.toJS());
    if (result.success) return result.data;
    throw this.issuesToError(result.error.issues, what);
  }

  issuesToError(issues: readonly z.core.$ZodIssue[], what: string): InputError {
    const problems = issues.flatMap((issue) => describeIssue(this, issue));
    const head = problems[0]!;
    return new InputError(firstOfMany(`${what}: ${formatProblem(head)}`, problems.length), problems);
  }
}

function describeIssue(doc: LocatedDocument, issue: z.core.$ZodIssue): { loc: Location; message: string }[] {
  const path = issue.path as PropertyKey[];
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      loc: doc.locateKey([...path, key]),
      message: `unknown field '${key}'`,
    }));
  }
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    // Show the branch that got furthest: the one whose deepest issue has the longest path.
    const best = [...issue.errors].sort((a, b) => depth(b) - depth(a))[0]!;
    if (best.length > 0 && depth(best) > 0) return best.flatMap((i) => describeIssue(doc, { ...i, path: [...path, ...i.path] } as z.core.$ZodIssue));
  }
  const loc = doc.locate(path);
  let message = issue.message;
  // zod leaves the input out of its issues: whether the field is there at all is the document's to say.
  if (issue.code === 'invalid_type' && !doc.doc.hasIn(path)) message = `missing required field '${String(path[path.length - 1])}'`;
  return [{ loc, message }];
}

function depth(issues: readonly z.core.$ZodIssue[]): number {
  return Math.max(0, ...issues.map((i) => i.path.length));
}

function formatPath(path: readonly PropertyKey[]): string {
  let s = '';
  for (const key of path) s += typeof key === 'number' ? `[${key}]` : s ? `.${String(key)}` : String(key);
  return s;
}

export function formatProblem(p: { loc: Location; message: string }): string {
  const { file, line, column, field } = p.loc;
  return `${file}${line !== undefined ? `:${line}:${column ?? 1}` : ''}: ${field ? `${field}: ` : ''}${p.message}`;
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}
