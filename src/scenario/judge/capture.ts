/** Captures: a value taken from a step's stdout for later steps, on any node. Pure functions. */
import { getJsonPath, type JsonPath } from './json-path.js';

export type CaptureSpec =
  | { name: string; kind: 'stdout' }
  | { name: string; kind: 'regex'; source: string }
  | { name: string; kind: 'json'; path: JsonPath; pathText: string };

export type CaptureResult = { ok: true; value: string } | { ok: false; message: string };

export function extractCapture(spec: CaptureSpec, stdout: string): CaptureResult {
  switch (spec.kind) {
    case 'stdout':
      return { ok: true, value: stdout.trim() };
    case 'regex': {
      const m = new RegExp(spec.source).exec(stdout);
      if (!m) return { ok: false, message: `capture ${spec.name}: /${spec.source}/ does not match stdout` };
      return { ok: true, value: m[1] ?? m[0] };
    }
    case 'json': {
      let parsed: unknown;
      try {
        parsed = JSON.parse(stdout);
      } catch (err) {
        return { ok: false, message: `capture ${spec.name}: stdout is not JSON (${(err as Error).message})` };
      }
      const found = getJsonPath(parsed, spec.path);
      if (!found.found) return { ok: false, message: `capture ${spec.name}: no value at ${spec.pathText} (${found.at} has nothing further)` };
      const v = found.value;
      return { ok: true, value: typeof v === 'string' ? v : JSON.stringify(v) };
    }
  }
}
