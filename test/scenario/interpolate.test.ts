import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { escapeRegex, findPlaceholders, interpolateShell, interpolateText, parseExpression, shellContexts } from '../../src/scenario/format/interpolate.js';
import { shellQuote } from '../../src/shell/quote.js';

/** What bash really makes of a command: the only judge of quoting that matters. */
function bash(command: string): string {
  return execFileSync('bash', ['-c', command], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
}

const NASTY = [
  "it's",
  '$(touch /tmp/pwned)',
  '`id`',
  '"; echo injected; "',
  "'; echo injected; '",
  'a b\tc',
  'line1\nline2',
  '\\$HOME',
  '*',
  '',
  '-n',
  "$'x'",
  '${{ vars.x }}',
];

describe('placeholders', () => {
  it('finds ${{ }} and leaves Docker {{ }} alone', () => {
    const t = "docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' ${{ captures.id }}";
    const scan = findPlaceholders(t);
    expect(scan).toEqual({ ok: true, placeholders: [{ expr: 'captures.id', start: t.indexOf('${{'), end: t.length }] });
    expect(interpolateShell(t, () => 'abc')).toBe("docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' abc");
  });

  it('reports an unclosed or empty placeholder', () => {
    expect(findPlaceholders('echo ${{ vars.x')).toMatchObject({ ok: false, index: 5 });
    expect(findPlaceholders('echo ${{ }}')).toMatchObject({ ok: false, message: expect.stringContaining('empty') });
  });

  it('parses expression paths, node names with dashes and indexes', () => {
    expect(parseExpression('nodes.docker-node1.ip')).toEqual(['nodes', 'docker-node1', 'ip']);
    expect(parseExpression('nodes[1].name')).toEqual(['nodes', 1, 'name']);
    expect(parseExpression('vars.x y')).toBeNull();
    expect(parseExpression('.vars')).toBeNull();
    expect(parseExpression('vars..x')).toBeNull();
    expect(parseExpression('[0]')).toBeNull();
  });
});

describe('shell quoting', () => {
  it('leaves plain words alone and single-quotes the rest', () => {
    expect(shellQuote('10.0.0.2')).toBe('10.0.0.2');
    expect(shellQuote('a b')).toBe("'a b'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote('')).toBe("''");
  });

  it.each(NASTY)('a value is one literal word wherever it sits: %j', (value) => {
    const templates = [
      'printf "<%s>" ${{ v }}',
      "printf '<%s>' 'pre ${{ v }} post'",
      'printf "<%s>" "pre ${{ v }} post"',
      'printf "<%s>" "$(printf %s ${{ v }})"',
      'printf "<%s>" "`printf %s ${{ v }}`"',
      "printf '<%s>' $'pre ${{ v }} post'",
    ];
    const expected = ['<VALUE>', '<pre VALUE post>', '<pre VALUE post>', '<VALUE>', '<VALUE>', '<pre VALUE post>'];
    // One bash for all templates (bash start-up is the slow part); NUL separates their outputs.
    const outs = bash(templates.map((t) => interpolateShell(t, () => value)).join("; printf '\\0'; ")).split('\0');
    templates.forEach((t, k) => {
      // Command substitution drops trailing newlines, as it would for any value.
      const want = expected[k]!.replace('VALUE', () => (k === 3 || k === 4 ? value.replace(/\n+$/, '') : value));
      expect(outs[k], t).toBe(want);
    });
  });

  it('keeps here-documents literal, and refuses a value that would end one', () => {
    const t = "cat <<EOF\nvalue: ${{ v }}\nEOF\ncat <<'RAW'\nraw: ${{ v }}\nRAW";
    expect(bash(interpolateShell(t, () => '$(id) `id` \\x'))).toBe('value: $(id) `id` \\x\nraw: $(id) `id` \\x\n');
    expect(() => interpolateShell(t, () => 'x\nEOF\ntouch /tmp/pwned')).toThrow(/delimiter/);
  });

  it('does not let a value end a comment', () => {
    expect(bash(interpolateShell('echo ok # note: ${{ v }}', () => 'x\necho injected'))).toBe('ok\n');
  });

  it('knows the context of each placeholder', () => {
    const t = `echo \${{ a }} '\${{ b }}' "\${{ c }} $(x \${{ d }})" # \${{ e }}`;
    const scan = findPlaceholders(t);
    if (!scan.ok) throw new Error('scan');
    expect(shellContexts(t, scan.placeholders).map((c) => c.kind)).toEqual(['word', 'single', 'double', 'word', 'comment']);
  });

  it('inserts raw text in expectations and escaped text in regexes', () => {
    expect(interpolateText('x=${{ a }}', () => 'a.b')).toBe('x=a.b');
    expect(interpolateText('^${{ a }}$', () => 'a.b*', escapeRegex)).toBe('^a\\.b\\*$');
    expect(new RegExp(interpolateText('^${{ a }}$', () => '1+1', escapeRegex)).test('1+1')).toBe(true);
  });
});
