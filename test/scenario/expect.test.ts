import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/scenario/format/duration.js';
import { extractCapture } from '../../src/scenario/judge/capture.js';
import { type CommandOutput, checkOutcome, describeExpectation, type Expectation } from '../../src/scenario/judge/expect.js';
import { getJsonPath, parseJsonPath } from '../../src/scenario/judge/json-path.js';
import { diffText } from '../../src/scenario/judge/text-diff.js';

const outcome = (o: Partial<CommandOutput>): CommandOutput => ({ exitCode: 0, stdout: '', stderr: '', ...o });
const exp = (e: Partial<Expectation>): Expectation => ({ exit: [0], stdout: [], stderr: [], json: [], ...e });

describe('durations', () => {
  it('parses the units scenarios use', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('5s')).toBe(5000);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('5 sec')).toBeNull();
    expect(parseDuration('5')).toBeNull();
    expect(parseDuration('-1s')).toBeNull();
  });
  it('formats for humans', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(1234)).toBe('1.2 s');
    expect(formatDuration(125_000)).toBe('2 m 5 s');
  });
});

describe('expectations', () => {
  it('passes when everything holds', () => {
    const e = exp({
      stdout: [
        { op: 'equals', value: 'global', flags: '' },
        { op: 'matches', value: '^glo', flags: '' },
      ],
      stderr: [{ op: 'not_matches', value: 'error', flags: 'i' }],
    });
    expect(checkOutcome(e, outcome({ stdout: 'global\n', stderr: 'fine\n' }))).toEqual([]);
  });

  it('reports exit codes, with the accepted list', () => {
    const f = checkOutcome(exp({ exit: [0, 1] }), outcome({ exitCode: 2 }));
    expect(f).toHaveLength(1);
    expect(f[0]!.detail).toContain('expected exit code 0 or 1, got 2');
    expect(checkOutcome(exp({}), outcome({ exitCode: null, signal: 'KILL' }))[0]!.detail).toContain('signal KILL');
  });

  it('shows expected against actual for equals, and a line diff for multi-line values', () => {
    const one = checkOutcome(exp({ stdout: [{ op: 'equals', value: 'global', flags: '' }] }), outcome({ stdout: 'local\n' }));
    expect(one[0]).toEqual({ kind: 'expectation', check: 'stdout equals "global"', detail: '  expected: "global"\n  actual:   "local"' });
    const multi = diffText('a\nb\nc', 'a\nx\nc');
    expect(multi).toContain('  - b');
    expect(multi).toContain('  + x');
    expect(multi).toContain('    a');
  });

  it('checks contains, matches and not_matches on the right stream', () => {
    const e = exp({
      stdout: [{ op: 'contains', value: '3 packets received', flags: '' }],
      stderr: [{ op: 'not_matches', value: 'already exists', flags: '' }],
    });
    const f = checkOutcome(e, outcome({ stdout: '0 packets received\n', stderr: 'endpoint already exists\n' }));
    expect(f.map((x) => x.check)).toEqual(['stdout contains "3 packets received"', 'stderr does not match /already exists/']);
    expect(f[1]!.detail).toContain('but found: "already exists"');
  });

  it('checks JSON paths and explains where a path stops', () => {
    const stdout = JSON.stringify([{ Scope: 'global', Options: { mtu: '1450' }, Containers: {} }]);
    const e = exp({
      json: [
        { path: parseJsonPath('$[0].Scope')!, pathText: '$[0].Scope', op: 'equals', value: 'local', flags: '' },
        { path: parseJsonPath('$[0].Options.mtu')!, pathText: '$[0].Options.mtu', op: 'equals', value: 1450, flags: '' },
        { path: parseJsonPath('$[1].Scope')!, pathText: '$[1].Scope', op: 'exists', value: true, flags: '' },
        { path: parseJsonPath('$[0].Containers')!, pathText: '$[0].Containers', op: 'exists', value: true, flags: '' },
      ],
    });
    const f = checkOutcome(e, outcome({ stdout }));
    expect(f.map((x) => x.check)).toEqual(['json $[0].Scope equals "local"', 'json $[1].Scope exists']);
    expect(f[0]!.detail).toContain('"global"');
    expect(f[1]!.detail).toContain('$ has nothing further');
    expect(checkOutcome(e, outcome({ stdout: 'not json' }))[0]!.check).toBe('stdout is JSON');
  });

  it('describes itself for reports', () => {
    expect(describeExpectation(exp({ exit: [0], stdout: [{ op: 'matches', value: 'x', flags: 'i' }] }))).toBe('exit 0; stdout matches /x/i');
  });
});

describe('JSON paths', () => {
  it('parses the supported forms and rejects others', () => {
    expect(parseJsonPath('$')).toEqual([]);
    expect(parseJsonPath("$[0]['com.docker.network'].x[-1]")).toEqual([0, 'com.docker.network', 'x', -1]);
    expect(parseJsonPath('$.a.b')).toEqual(['a', 'b']);
    expect(parseJsonPath('a.b')).toBeNull();
    expect(parseJsonPath('$[x]')).toBeNull();
    expect(parseJsonPath('$.')).toBeNull();
  });
  it('walks values', () => {
    const v = { a: [1, { b: 'c' }] };
    expect(getJsonPath(v, ['a', -1, 'b'])).toEqual({ found: true, value: 'c' });
    expect(getJsonPath(v, ['a', 5])).toEqual({ found: false, at: '$.a' });
    expect(getJsonPath(v, ['a', 0, 'x'])).toEqual({ found: false, at: '$.a[0]' });
  });
});

describe('captures', () => {
  it('takes the trimmed stdout, a regex group or the whole match, or a JSON value', () => {
    expect(extractCapture({ name: 'ip', kind: 'stdout' }, ' 10.0.0.3\n')).toEqual({ ok: true, value: '10.0.0.3' });
    expect(extractCapture({ name: 'vni', kind: 'regex', source: 'vxlan id (\\d+)' }, 'vxlan id 256 srcport')).toEqual({ ok: true, value: '256' });
    expect(extractCapture({ name: 'w', kind: 'regex', source: '\\d+' }, 'abc 42')).toEqual({ ok: true, value: '42' });
    expect(extractCapture({ name: 'id', kind: 'json', path: [0, 'Id'], pathText: '$[0].Id' }, '[{"Id":"abc"}]')).toEqual({ ok: true, value: 'abc' });
    expect(extractCapture({ name: 'o', kind: 'json', path: [0], pathText: '$[0]' }, '[{"a":1}]')).toEqual({ ok: true, value: '{"a":1}' });
  });
  it('says why nothing could be captured', () => {
    expect(extractCapture({ name: 'vni', kind: 'regex', source: 'id (\\d+)' }, 'nothing')).toEqual({
      ok: false,
      message: 'capture vni: /id (\\d+)/ does not match stdout',
    });
    expect(extractCapture({ name: 'id', kind: 'json', path: [0, 'Id'], pathText: '$[0].Id' }, '[]')).toMatchObject({
      ok: false,
      message: expect.stringContaining('no value at $[0].Id'),
    });
    expect(extractCapture({ name: 'id', kind: 'json', path: [], pathText: '$' }, 'x')).toMatchObject({
      ok: false,
      message: expect.stringContaining('not JSON'),
    });
  });
});
