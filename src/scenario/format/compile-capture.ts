/** `capture:` as written -> the CaptureSpec judge/capture.ts takes, checked against where the step runs and what came before. */
import type { CaptureSpec } from '../judge/capture.js';
import { regexError } from '../judge/expect.js';
import { parseJsonPath } from '../judge/json-path.js';
import type { Phase } from '../results.js';
import type { Checker, Path, Source } from './builder.js';
import type { CaptureFile } from './schema.js';

/** `made`: the captures of the steps before, to which this one is added. */
export function compileCapture(c: Checker, source: Source, raw: CaptureFile, at: Path, nodes: string[], phase: Phase, made: Set<string>): CaptureSpec | null {
  const { doc } = source;
  if (phase === 'cleanup') {
    c.problem(doc.locateKey(at), 'capture is not allowed in cleanup (nothing runs after it)');
    return null;
  }
  if (nodes.length !== 1) {
    c.problem(doc.locateKey(at), `capture needs a step on one node; this one runs on ${nodes.join(', ')}`);
    return null;
  }
  const name = typeof raw === 'string' ? raw : raw.name;
  if (made.has(name)) c.problem(doc.locate(typeof raw === 'string' ? at : [...at, 'name']), `capture '${name}' is already made by an earlier step`);
  let spec: CaptureSpec | null = { name, kind: 'stdout' };
  if (typeof raw !== 'string' && 'regex' in raw) {
    const error = regexError(raw.regex, '');
    if (error) c.problem(doc.locate([...at, 'regex']), `invalid regex: ${error}`);
    spec = error ? null : { name, kind: 'regex', source: raw.regex };
  } else if (typeof raw !== 'string' && 'json' in raw) {
    const path = parseJsonPath(raw.json);
    if (!path) c.problem(doc.locate([...at, 'json']), `'${raw.json}' is not a JSON path such as $[0].Id or $.Name`);
    spec = path ? { name, kind: 'json', path, pathText: raw.json } : null;
  }
  made.add(name);
  return spec;
}
