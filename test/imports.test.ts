/** Data flows one way: a room imports only rooms below it. These are the arrows that once ran back up. */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '../src');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** `from/file.ts -> to/file.ts` for each import from a room (or one file) into another room, paths under src/. */
function importsBetween(from: string, to: string): string[] {
  const files = from.endsWith('.ts') ? [join(SRC, from)] : tsFiles(join(SRC, from));
  return files.flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)]
      .map((m) => relative(SRC, resolve(dirname(file), m[1]!)).replace(/\.js$/, '.ts'))
      .filter((target) => target.startsWith(`${to}/`))
      .map((target) => `${relative(SRC, file)} -> ${target}`),
  );
}

describe('imports run down the floors', () => {
  it.each([
    ['graph', 'lifecycle'],
    ['graph', 'scenario'],
    ['capture/remote.ts', 'scenario'],
    ['report', 'matrix'],
    ['host', 'providers'],
  ])('%s/ imports nothing from %s/', (from, to) => {
    expect(importsBetween(from, to)).toEqual([]);
  });

  it('sees an import when there is one', () => {
    expect(importsBetween('matrix', 'report')).toContain('matrix/cells.ts -> report/cell.ts');
  });
});
