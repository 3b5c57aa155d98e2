import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { matrixProvider, PROVIDER_NAMES, PROVIDERS } from '../../src/providers/index.js';

const SRC = join(import.meta.dirname, '../../src');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** The code's own words, comments left out: identifiers, strings and template text, as TypeScript parses them. */
function codeWords(text: string): string[] {
  const words: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) || ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node)) words.push(node.text);
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile('code.ts', text, ts.ScriptTarget.Latest, true));
  return words;
}

/** Where code outside src/providers/ names a provider: `file: word`. */
function namingsOutsideProviders(): string[] {
  const found: string[] = [];
  for (const file of tsFiles(SRC).filter((f) => !relative(SRC, f).startsWith('providers/'))) {
    for (const word of codeWords(readFileSync(file, 'utf8'))) {
      const named = PROVIDER_NAMES.find((name) => new RegExp(`(?<![\\w-])${name}(?![\\w-])`).test(word));
      if (named) found.push(`${relative(SRC, file)}: ${JSON.stringify(word)}`);
    }
  }
  return found;
}

describe('provider names stay in src/providers/', () => {
  it('the scanner finds a name in code and not in a comment', () => {
    const words = codeWords("// lxc only\nif (p.name !== 'lxc') x = `a ${y} lxc`; /* libvirt */ const lxc = 1;");
    expect(words.filter((w) => /\blxc\b/.test(w))).toEqual(['lxc', ' lxc', 'lxc']);
    expect(words.some((w) => w.includes('libvirt'))).toBe(false);
  });

  it('no code outside src/providers/ names one (capabilities on the Provider say what a provider can do)', () => {
    expect(namingsOutsideProviders()).toEqual([]);
  });

  it('exactly one provider runs the matrix', () => {
    expect(PROVIDERS.filter((p) => p.runsMatrix)).toEqual([matrixProvider()]);
  });
});
