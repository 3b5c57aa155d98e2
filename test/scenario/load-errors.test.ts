/**
 * Bad scenario files: each is rejected with file, line, column, field and a clear message (InputError,
 * exit 2). Loading is pure and comes before any connection is opened, so a rejected file runs nothing: no
 * node is needed to show it.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { loadLab } from '../../src/lab/model.js';
import { loadScenario } from '../../src/scenario/catalog.js';
import { removeTempDirs, scenarioDir } from '../support/scenarios.js';

const lab = { lab: loadLab(join(import.meta.dirname, '../../lab.yaml')) };
afterAll(() => removeTempDirs());

interface Case {
  title: string;
  /** Lines after the first step (`steps:` is line 3, the first step line 4). */
  body?: string;
  /** A whole file instead of the standard head + body. */
  whole?: string;
  fragments?: Record<string, string>;
  /** The file the error is in: the scenario unless a fragment is named. */
  inFragment?: string;
  line: number;
  column: number;
  field: string;
  message: RegExp;
}

const head = 'name: bad\ndescription: a bad file\nsteps:\n  - run: echo a good first step\n';

const cases: Case[] = [
  { title: 'YAML syntax error', body: '  - run: echo\n   bad indentation: [\n', line: 6, column: 1, field: '', message: /YAML syntax/ },
  { title: 'duplicate key', body: '  - run: echo\n    run: echo again\n', line: 6, column: 5, field: '', message: /YAML syntax: Map keys must be unique/ },
  { title: 'unknown top-level field', body: 'colour: red\n', line: 5, column: 1, field: 'colour', message: /unknown field 'colour'/ },
  {
    title: 'unknown step field',
    body: '  - run: echo\n    expcet: { exit: 0 }\n',
    line: 6,
    column: 5,
    field: 'steps[1].expcet',
    message: /unknown field 'expcet'/,
  },
  { title: 'missing steps', whole: 'name: bad\ndescription: no steps\n', line: 1, column: 1, field: 'steps', message: /missing required field 'steps'/ },
  {
    title: 'name is not the file name',
    whole: 'name: other\ndescription: d\nsteps:\n  - run: echo a good first step\n',
    line: 1,
    column: 7,
    field: 'name',
    message: /must equal the file name 'bad'/,
  },
  {
    title: 'unknown node in on',
    body: '  - on: docker-node3\n    run: echo\n',
    line: 5,
    column: 9,
    field: 'steps[1].on',
    message: /unknown node 'docker-node3' \(the lab's nodes: docker-node1, docker-node2, or all\)/,
  },
  {
    title: 'unknown node in an on list',
    body: '  - on: [docker-node1, node9]\n    run: echo\n',
    line: 5,
    column: 24,
    field: 'steps[1].on[1]',
    message: /unknown node 'node9'/,
  },
  { title: 'undefined var', body: '  - run: echo ${{ vars.nope }}\n', line: 5, column: 15, field: 'steps[1].run', message: /vars\.nope is not defined/ },
  {
    title: 'capture used before the step that makes it',
    body: '  - run: echo ${{ captures.later }}\n  - on: docker-node1\n    run: echo x\n    capture: later\n',
    line: 5,
    column: 15,
    field: 'steps[1].run',
    message: /captures\.later is not captured by an earlier step/,
  },
  { title: 'unknown expression', body: '  - run: echo ${{ foo.bar }}\n', line: 5, column: 15, field: 'steps[1].run', message: /unknown expression 'foo\.bar'/ },
  {
    title: 'node index out of range',
    body: '  - run: echo ${{ nodes[5].ip }}\n',
    line: 5,
    column: 15,
    field: 'steps[1].run',
    message: /nodes\[5\]: the lab has 2 nodes/,
  },
  { title: 'unclosed ${{', body: '  - run: echo ${{ vars.x\n', line: 5, column: 15, field: 'steps[1].run', message: /not closed/ },
  {
    title: 'invalid regex in expect',
    body: '  - run: echo\n    expect: { stdout: "/a(/" }\n',
    line: 6,
    column: 23,
    field: 'steps[1].expect.stdout',
    message: /invalid regex/,
  },
  {
    title: 'invalid regex in a list',
    body: '  - run: echo\n    expect: { stdout: { matches: [ok, "a["] } }\n',
    line: 6,
    column: 39,
    field: 'steps[1].expect.stdout.matches[1]',
    message: /invalid regex/,
  },
  {
    title: 'invalid capture regex',
    body: '  - on: docker-node1\n    run: echo\n    capture: { name: x, regex: "a[" }\n',
    line: 7,
    column: 32,
    field: 'steps[1].capture.regex',
    message: /invalid regex/,
  },
  {
    title: 'invalid JSON path',
    body: '  - run: echo\n    expect:\n      json: [{ path: "Scope", equals: x }]\n',
    line: 7,
    column: 22,
    field: 'steps[1].expect.json[0].path',
    message: /not a JSON path/,
  },
  { title: 'missing fragment', body: '  - use: nothere\n', line: 5, column: 10, field: 'steps[1].use', message: /no fragment 'nothere'/ },
  {
    title: 'capture on a multi-node step',
    body: '  - run: hostname\n    capture: h\n',
    line: 6,
    column: 5,
    field: 'steps[1].capture',
    message: /capture needs a step on one node; this one runs on docker-node1, docker-node2/,
  },
  {
    title: 'expect on a background step',
    body: '  - run: sleep 100\n    background: true\n    expect: { exit: 0 }\n',
    line: 7,
    column: 5,
    field: 'steps[1].expect',
    message: /expect is not allowed on a background step/,
  },
  {
    title: 'capture on a background step',
    body: '  - on: docker-node1\n    run: sleep 100\n    background: true\n    capture: x\n',
    line: 8,
    column: 5,
    field: 'steps[1].capture',
    message: /capture is not allowed on a background step/,
  },
  {
    title: 'run and use together',
    body: '  - run: echo\n    use: frag\n',
    line: 6,
    column: 5,
    field: 'steps[1].use',
    message: /a step has either run, parallel, use, stop or graph, not run and use/,
  },
  {
    title: 'expect on a graph step',
    body: '  - graph: the network now\n    expect: { exit: 0 }\n',
    line: 6,
    column: 5,
    field: 'steps[1].expect',
    message: /expect does not apply to a graph step/,
  },
  {
    title: 'graph step on an unknown node',
    body: '  - graph: the network now\n    on: docker-node9\n',
    line: 6,
    column: 9,
    field: 'steps[1].on',
    message: /unknown node 'docker-node9'/,
  },
  { title: 'a step that does nothing', body: '  - name: nothing\n', line: 5, column: 5, field: 'steps[1]', message: /needs one of run, parallel or use/ },
  {
    title: 'bad duration',
    body: '  - run: echo\n    timeout: 5 sec\n',
    line: 6,
    column: 14,
    field: 'steps[1].timeout',
    message: /must be a duration such as 500ms/,
  },
  {
    title: 'course note not quoted',
    whole: 'name: bad\ndescription: d\ncourse: { note: 003, section: x }\nsteps:\n  - run: echo a good first step\n',
    line: 3,
    column: 17,
    field: 'course.note',
    message: /three digits, e\.g\. "003" \(quote it/,
  },
  {
    title: 'course entry without its section',
    whole: 'name: bad\ndescription: d\ncourse:\n  - { note: "001" }\nsteps:\n  - run: echo a good first step\n',
    line: 4,
    column: 5,
    field: 'course[0].section',
    message: /missing required field 'section'/,
  },
  {
    title: 'an image docker-lab does not make',
    whole: 'name: bad\ndescription: d\nimages: [python, nginx]\nsteps:\n  - run: echo a good first step\n',
    line: 3,
    column: 18,
    field: 'images[1]',
    message: /python.*redis/,
  },
  {
    title: 'bad semver range',
    whole: 'name: bad\ndescription: d\nrequires: { docker: "banana" }\nsteps:\n  - run: echo a good first step\n',
    line: 3,
    column: 21,
    field: 'requires.docker',
    message: /not a semver range/,
  },
  {
    title: 'capture of a parallel sibling',
    body: '  - parallel:\n      - { on: docker-node1, run: echo a, capture: a }\n      - { on: docker-node2, run: "echo ${{ captures.a }}" }\n',
    line: 7,
    column: 40,
    field: 'steps[1].parallel[1].run',
    message: /captures\.a is not captured by an earlier step/,
  },
  {
    title: 'the same capture twice',
    body: '  - { on: docker-node1, run: echo a, capture: a }\n  - { on: docker-node1, run: echo b, capture: a }\n',
    line: 6,
    column: 47,
    field: 'steps[2].capture',
    message: /capture 'a' is already made/,
  },
  {
    title: 'stop names no background step',
    whole: 'name: bad\ndescription: d\nsteps:\n  - run: echo a good first step\ncleanup:\n  - stop: etcd\n',
    line: 6,
    column: 11,
    field: 'cleanup[0].stop',
    message: /no background step named 'etcd' \(background steps: none\)/,
  },
  { title: 'stop outside cleanup', body: '  - stop: something\n', line: 5, column: 5, field: 'steps[1].stop', message: /stop belongs in cleanup/ },
  {
    title: 'check and confirm together',
    body: '  - run: echo\n    check: { run: "true" }\n    confirm: true\n',
    line: 7,
    column: 5,
    field: 'steps[1].confirm',
    message: /either check or confirm: true, not both/,
  },
  { title: 'confirm: false', body: '  - run: echo\n    confirm: false\n', line: 6, column: 14, field: 'steps[1].confirm', message: /true/ },
  {
    title: 'unknown field in a check',
    body: '  - run: echo\n    check: { run: "true", expcet: { exit: 0 } }\n',
    line: 6,
    column: 27,
    field: 'steps[1].check.expcet',
    message: /unknown field 'expcet'/,
  },
  {
    title: 'a check without run',
    body: '  - run: echo\n    check: [{ run: "true" }, { on: docker-node1 }]\n',
    line: 6,
    column: 30,
    field: 'steps[1].check[1].run',
    message: /missing required field 'run'/,
  },
  {
    title: 'unknown node in a check',
    body: '  - run: echo\n    check: [{ run: "true" }, { on: node9, run: "true" }]\n',
    line: 6,
    column: 36,
    field: 'steps[1].check[1].on',
    message: /unknown node 'node9'/,
  },
  {
    title: 'a check uses a capture no step makes',
    body: '  - run: echo\n    check: { run: "test ${{ captures.x }}" }\n',
    line: 6,
    column: 25,
    field: 'steps[1].check.run',
    message: /captures\.x is not captured by an earlier step/,
  },
  {
    title: 'invalid regex in a check',
    body: '  - run: echo\n    check: { run: "true", expect: { stdout: "/a(/" } }\n',
    line: 6,
    column: 45,
    field: 'steps[1].check.expect.stdout',
    message: /invalid regex/,
  },
  {
    title: 'capture on a confirm step',
    body: '  - on: docker-node1\n    run: echo a\n    capture: a\n    confirm: true\n',
    line: 7,
    column: 5,
    field: 'steps[1].capture',
    message: /a confirm step makes no capture in exercise mode/,
  },
  {
    title: 'explain in cleanup',
    whole: 'name: bad\ndescription: d\nsteps:\n  - run: touch MARKER\ncleanup:\n  - run: echo\n    explain: why\n',
    line: 7,
    column: 5,
    field: 'cleanup[0].explain',
    message: /explain is not allowed in cleanup/,
  },
  {
    title: 'hint on a use step',
    body: '  - use: frag\n    hint: try harder\n',
    line: 6,
    column: 5,
    field: 'steps[1].hint',
    message: /hint does not apply to a use step/,
  },
  {
    title: 'check inside a parallel group',
    body: '  - parallel:\n      - { run: echo, check: { run: "true" } }\n',
    line: 6,
    column: 22,
    field: 'steps[1].parallel[0].check',
    message: /unknown field 'check'/,
  },
  {
    title: 'with: names a var the fragment does not have',
    body: '  - use: frag\n    with: { colour: red }\n',
    fragments: { 'fragments/frag.yaml': 'description: f\nvars: { size: 1 }\nsteps:\n  - run: echo ${{ vars.size }}\n' },
    line: 6,
    column: 13,
    field: 'steps[1].with.colour',
    message: /fragment 'frag' has no var 'colour' \(its vars: size\)/,
  },
  {
    title: 'an error inside a fragment points into the fragment',
    body: '  - use: frag\n',
    fragments: { 'fragments/frag.yaml': 'description: f\nsteps:\n  - run: echo ${{ vars.size }}\n' },
    inFragment: 'fragments/frag.yaml',
    line: 3,
    column: 15,
    field: 'steps[0].run',
    message: /vars\.size is not defined \(defined vars: none\)/,
  },
];

describe('bad scenario files are rejected before anything runs', () => {
  it('covers at least fifteen kinds of mistakes', () => {
    expect(cases.length).toBeGreaterThanOrEqual(15);
  });

  it.each(cases.map((c, i) => [c.title, c, i] as const))('%s', (_title, c) => {
    const text = c.whole ?? head + (c.body ?? '');
    const dir = scenarioDir({ 'bad.yaml': text, ...c.fragments });
    const err = (() => {
      try {
        return loadScenario('bad', { scenariosDir: dir, lab: lab.lab });
      } catch (e) {
        return e;
      }
    })();

    expect(err).toBeInstanceOf(InputError);
    const e = err as InputError;
    expect(e.exitCode).toBe(2);
    const problem = e.problems[0]!;
    expect(problem.loc).toMatchObject({ file: join(dir, c.inFragment ?? 'bad.yaml'), line: c.line, column: c.column });
    if (c.field) expect(problem.loc?.field).toBe(c.field);
    expect(problem.message).toMatch(c.message);
    // The headline names the place too: file:line:column.
    expect(e.message).toContain(`${join(dir, c.inFragment ?? 'bad.yaml')}:${c.line}:${c.column}`);
  });

  it('collects every problem of a file, not only the first', () => {
    const dir = scenarioDir({ 'bad.yaml': 'name: bad\ndescription: d\nsteps:\n  - on: nowhere\n    run: echo ${{ vars.x }}\n' });
    const err = (() => {
      try {
        loadScenario('bad', { scenariosDir: dir, lab: lab.lab });
      } catch (e) {
        return e as InputError;
      }
      throw new Error('no error');
    })();
    expect(err.problems.map((p) => p.loc?.field)).toEqual(['steps[0].on', 'steps[0].run']);
    expect(err.describe()).toContain('(and 1 more)');
  });

  it('names the scenarios there are when one does not exist', () => {
    const dir = scenarioDir({ 'one.yaml': 'name: one\ndescription: d\nsteps: [{ run: echo }]\n' });
    expect(() => loadScenario('two', { scenariosDir: dir, lab: lab.lab })).toThrow(/no such scenario \(scenarios in .*: one\)/);
  });
});
