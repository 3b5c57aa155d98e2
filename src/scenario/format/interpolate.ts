/**
 * `${{ expr }}` placeholders: finding them, parsing the expression, and inserting values into shell
 * commands so that a value is always exactly one piece of literal text, whatever shell quoting surrounds
 * the placeholder. Docker's own `{{ ... }}` templates are not placeholders and pass through untouched.
 * Pure functions only.
 */
import { shellQuote } from '../../shell/quote.js';

export interface Placeholder {
  /** The expression text between `${{` and `}}`, trimmed. */
  expr: string;
  /** Offsets of `${{` and just past `}}` in the template. */
  start: number;
  end: number;
}

type PlaceholderScan = { ok: true; placeholders: Placeholder[] } | { ok: false; index: number; message: string };

const OPEN = '${{';
const CLOSE = '}}';

export function findPlaceholders(template: string): PlaceholderScan {
  const placeholders: Placeholder[] = [];
  let from = 0;
  for (;;) {
    const start = template.indexOf(OPEN, from);
    if (start < 0) return { ok: true, placeholders };
    const close = template.indexOf(CLOSE, start + OPEN.length);
    const newline = template.indexOf('\n', start);
    if (close < 0 || (newline >= 0 && newline < close)) return { ok: false, index: start, message: "'${{' is not closed by '}}' on the same line" };
    const expr = template.slice(start + OPEN.length, close).trim();
    if (!expr) return { ok: false, index: start, message: "empty expression '${{ }}'" };
    placeholders.push({ expr, start, end: close + CLOSE.length });
    from = close + CLOSE.length;
  }
}

/** `nodes[0].ip` -> ['nodes', 0, 'ip']; null when the text is not a path. Names may hold dashes (node names do). */
export function parseExpression(expr: string): (string | number)[] | null {
  if (!/^[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*|\[\d+\])*$/.test(expr)) return null;
  return [...expr.matchAll(/([A-Za-z_][\w-]*)|\[(\d+)\]/g)].map((m) => (m[1] !== undefined ? m[1] : Number(m[2])));
}

/** A tree of values that expressions walk: leaves are strings, numbers or booleans. */
export interface ValueTree {
  [key: string]: string | number | boolean | ValueTree;
}

type Lookup = { ok: true; value: string } | { ok: false; depth: number; reason: 'missing' | 'not-a-value' };

/** Walks `segments` through `tree`; `depth` says how many segments resolved before the failure. */
export function lookup(tree: ValueTree, segments: readonly (string | number)[]): Lookup {
  let here: ValueTree | string | number | boolean = tree;
  for (let i = 0; i < segments.length; i++) {
    if (typeof here !== 'object') return { ok: false, depth: i, reason: 'missing' };
    const key = String(segments[i]);
    if (!Object.hasOwn(here, key)) return { ok: false, depth: i, reason: 'missing' };
    here = here[key]!;
  }
  if (typeof here === 'object') return { ok: false, depth: segments.length, reason: 'not-a-value' };
  return { ok: true, value: String(here) };
}

/** Where in shell syntax a placeholder sits; decides how its value is inserted. */
type ShellContext =
  | { kind: 'word' } // unquoted, also inside $( ) and ` `
  | { kind: 'single' } // '...'
  | { kind: 'ansi' } // $'...'
  | { kind: 'double' } // "..."
  | { kind: 'comment' }
  | { kind: 'heredoc'; delimiter: string; expands: boolean };

/** A placeholder's context, and how many `...` command substitutions enclose it (each one re-reads backslashes). */
type PlaceholderContext = ShellContext & { backticks: number };

type Frame = { kind: 'word'; parens: number; closer: ')' | '`' | null } | { kind: 'single' } | { kind: 'ansi' } | { kind: 'double' } | { kind: 'comment' };

interface PendingHeredoc {
  delimiter: string;
  expands: boolean;
  stripTabs: boolean;
}

/**
 * The shell context of every placeholder in `template`. A small lexer for the parts of POSIX/bash syntax
 * that change how text is read: quotes, backslashes, $( ), backticks, comments and here-documents.
 */
export function shellContexts(template: string, placeholders: readonly Placeholder[]): PlaceholderContext[] {
  const contexts: PlaceholderContext[] = [];
  const stack: Frame[] = [{ kind: 'word', parens: 0, closer: null }];
  const pending: PendingHeredoc[] = [];
  let heredoc: PendingHeredoc | null = null;
  let p = 0; // next placeholder
  let i = 0;
  const top = () => stack[stack.length - 1]!;
  /** Steps over the `width` characters that open a quote or substitution, and into it. */
  const enter = (frame: Frame, width: number) => {
    stack.push(frame);
    i += width;
  };
  const leave = (width: number) => {
    stack.pop();
    i += width;
  };
  const atWordStart = (at: number) => at === 0 || /[\s;|&()<>]/.test(template[at - 1]!);

  while (i < template.length) {
    const next = placeholders[p];
    if (next && i === next.start) {
      const backticks = stack.filter((f) => f.kind === 'word' && f.closer === '`').length;
      if (heredoc) contexts.push({ kind: 'heredoc', delimiter: heredoc.delimiter, expands: heredoc.expands, backticks });
      else {
        const f = top();
        contexts.push(f.kind === 'word' ? { kind: 'word', backticks } : { kind: f.kind, backticks });
      }
      i = next.end;
      p++;
      continue;
    }
    const c = template[i]!;

    if (heredoc) {
      // Here-document bodies are read line by line up to the delimiter line.
      const lineStart = i === 0 || template[i - 1] === '\n';
      if (lineStart) {
        const lineEnd = template.indexOf('\n', i) < 0 ? template.length : template.indexOf('\n', i);
        const line = template.slice(i, lineEnd);
        if ((heredoc.stripTabs ? line.replace(/^\t+/, '') : line) === heredoc.delimiter) {
          heredoc = pending.shift() ?? null;
          i = lineEnd + 1;
          continue;
        }
      }
      if (heredoc.expands && c === '\\') i += 2;
      else i += 1;
      continue;
    }

    const f = top();
    switch (f.kind) {
      case 'single':
        if (c === "'") stack.pop();
        i++;
        break;
      case 'ansi':
        if (c === '\\') i += 2;
        else {
          if (c === "'") stack.pop();
          i++;
        }
        break;
      case 'comment':
        if (c === '\n') {
          stack.pop();
          continue; // let the word context see the newline (here-documents start after it)
        }
        i++;
        break;
      case 'double':
        if (c === '\\') i += 2;
        else if (c === '"') leave(1);
        else if (c === '$' && template[i + 1] === '(') enter({ kind: 'word', parens: 1, closer: ')' }, 2);
        else if (c === '`') enter({ kind: 'word', parens: 0, closer: '`' }, 1);
        else i++;
        break;
      case 'word': {
        if (c === '\\') i += 2;
        else if (c === "'") enter({ kind: 'single' }, 1);
        else if (c === '"') enter({ kind: 'double' }, 1);
        else if (c === '$' && template[i + 1] === "'") enter({ kind: 'ansi' }, 2);
        else if (c === '$' && template[i + 1] === '(') enter({ kind: 'word', parens: 1, closer: ')' }, 2);
        else if (c === '`') {
          if (f.closer === '`') stack.pop();
          else stack.push({ kind: 'word', parens: 0, closer: '`' });
          i++;
        } else if (c === '(' && f.closer === ')') {
          f.parens++;
          i++;
        } else if (c === ')' && f.closer === ')') {
          f.parens--;
          if (f.parens === 0) stack.pop();
          i++;
        } else if (c === '#' && atWordStart(i)) enter({ kind: 'comment' }, 1);
        else if (c === '<' && template[i + 1] === '<' && template[i + 2] !== '<') {
          const parsed = parseHeredocOperator(template, i);
          if (parsed) {
            pending.push(parsed.heredoc);
            i = parsed.end;
          } else i += 2;
        } else if (c === '\n' && pending.length > 0 && stack.length === 1) {
          heredoc = pending.shift()!;
          i++;
        } else i++;
        break;
      }
    }
  }
  return contexts;
}

function parseHeredocOperator(text: string, at: number): { heredoc: PendingHeredoc; end: number } | null {
  const m = /^<<(-?)[ \t]*((?:'[^'\n]*'|"[^"\n]*"|\\?[^\s;|&<>()'"]+)+)/.exec(text.slice(at));
  if (!m) return null;
  const word = m[2]!;
  const quoted = /['"\\]/.test(word);
  const delimiter = word.replace(/['"\\]/g, '');
  return { heredoc: { delimiter, expands: !quoted, stripTabs: m[1] === '-' }, end: at + m[0].length };
}

/** The text that, put at a placeholder in `context`, reads back as exactly `value`. */
function quoteFor(context: ShellContext, value: string): string {
  switch (context.kind) {
    case 'word':
      return shellQuote(value);
    case 'single': // close the quote, insert one word, reopen
      return `'${shellQuote(value)}'`;
    case 'ansi':
      return `'${shellQuote(value)}$'`;
    case 'double':
      return `"${shellQuote(value)}"`;
    case 'comment': // a newline would end the comment and start a command
      return value.replace(/[\r\n]/g, ' ');
    case 'heredoc':
      if (value.split('\n').some((line) => line === context.delimiter || line.replace(/^\t+/, '') === context.delimiter)) {
        throw new Error(`a value holds the here-document delimiter line '${context.delimiter}'`);
      }
      return context.expands ? value.replace(/[\\$`]/g, (ch) => `\\${ch}`) : value;
  }
}

/** Replaces every placeholder of a shell command, quoting each value for where it sits. */
export function interpolateShell(template: string, valueFor: (expr: string) => string): string {
  const scan = findPlaceholders(template);
  if (!scan.ok) throw new Error(scan.message);
  const contexts = shellContexts(template, scan.placeholders);
  return splice(template, scan.placeholders, (ph, k) => {
    const context = contexts[k]!;
    let text = quoteFor(context, valueFor(ph.expr));
    // Inside `...`, the shell first removes one level of backslashes before \, ` and $: add that level back.
    for (let i = 0; i < context.backticks; i++) text = text.replace(/[\\`$]/g, (ch) => `\\${ch}`);
    return text;
  });
}

/** Replaces every placeholder with its value as is (names, expectations). `adapt` fits it, e.g. for a regex. */
export function interpolateText(template: string, valueFor: (expr: string) => string, adapt: (text: string) => string = (text) => text): string {
  const scan = findPlaceholders(template);
  if (!scan.ok) throw new Error(scan.message);
  return splice(template, scan.placeholders, (ph) => adapt(valueFor(ph.expr)));
}

export function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function splice(template: string, placeholders: readonly Placeholder[], replacement: (ph: Placeholder, k: number) => string): string {
  let out = '';
  let from = 0;
  placeholders.forEach((ph, k) => {
    out += template.slice(from, ph.start) + replacement(ph, k);
    from = ph.end;
  });
  return out + template.slice(from);
}
