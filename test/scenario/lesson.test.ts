/**
 * Lessons taught more than one way (lesson.ts): the course's catalog as it is, and small catalogs of the test's
 * own for what a user may write wrong. Pure: the Docker versions are the test's answers, no node is asked.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { loadLab } from '../../src/lab/model.js';
import { cellOf } from '../../src/matrix/cells.js';
import { SCENARIOS_DIR } from '../../src/paths.js';
import { chooseVariant, listLessons, loadLesson } from '../../src/scenario/lesson.js';
import { removeTempDirs, scenarioDir } from '../support/scenarios.js';

const lab = loadLab(join(import.meta.dirname, '../../lab.yaml'));
afterAll(() => removeTempDirs());

/** What a lab's daemons say of a range: met (null) or why not, as unmetRequirement would for that version. */
const dockerIs = (major: number) => async (range: string) =>
  (range.startsWith('<') ? major < Number(range.slice(1)) : major >= Number(range.slice(2))) ? null : `runs ${major}`;

const file = (name: string, extra: string) => `name: ${name}\ndescription: d\n${extra}steps:\n  - run: echo ${name}\n`;

describe('lessons and their ways', () => {
  it("overlay is one lesson of two ways, the course's own (etcd) first; naming a way's file gives that way alone", () => {
    const overlay = loadLesson('overlay', { scenariosDir: SCENARIOS_DIR, lab });
    expect(overlay.variants.map((p) => `${p.name} ${p.variant?.name}`)).toEqual(['overlay etcd', 'overlay-swarm swarm']);
    expect(loadLesson('overlay-swarm', { scenariosDir: SCENARIOS_DIR, lab }).variants.map((p) => p.name)).toEqual(['overlay-swarm']);
    expect(loadLesson('netns', { scenariosDir: SCENARIOS_DIR, lab }).variants.map((p) => p.name)).toEqual(['netns']);
  });

  it('the way is the first whose range the Docker meets: etcd on 20.10, swarm on 26; none met leaves the own way, to be skipped', async () => {
    const overlay = loadLesson('overlay', { scenariosDir: SCENARIOS_DIR, lab });
    expect((await chooseVariant(overlay, dockerIs(20))).name).toBe('overlay');
    expect((await chooseVariant(overlay, dockerIs(26))).name).toBe('overlay-swarm');
    const dir = scenarioDir({
      'old.yaml': file('old', 'variant: { of: old, name: a }\nrequires: { docker: "<23" }\n'),
      'old-b.yaml': file('old-b', 'variant: { of: old, name: b }\nrequires: { docker: "<24" }\n'),
    });
    const old = loadLesson('old', { scenariosDir: dir, lab });
    expect((await chooseVariant(old, dockerIs(23))).name).toBe('old-b');
    expect((await chooseVariant(old, dockerIs(28))).name).toBe('old');
  });

  it('a way of a lesson whose own file does not say so is refused, naming the file and the field', () => {
    const dir = scenarioDir({ 'x.yaml': file('x', ''), 'x-new.yaml': file('x-new', 'variant: { of: x, name: new }\n') });
    expect(() => loadLesson('x', { scenariosDir: dir, lab })).toThrow(InputError);
    expect(() => loadLesson('x', { scenariosDir: dir, lab })).toThrow(
      /x-new\.yaml:3:\d+: variant\.of: 'x' names a lesson whose own file x\.yaml says no variant of itself/,
    );
    const orphan = scenarioDir({ 'y-new.yaml': file('y-new', 'variant: { of: y, name: new }\n') });
    expect(() => loadLesson('y', { scenariosDir: orphan, lab })).toThrow(
      /y-new\.yaml:3:\d+: variant\.of: 'y' names a lesson whose own file y\.yaml does not exist/,
    );
  });

  it('the catalog lists a lesson once, its ways under it; every way of every lesson loads', () => {
    const lessons = listLessons(SCENARIOS_DIR);
    const overlay = lessons.find((l) => l.name === 'overlay')!;
    expect(overlay.ways.map((w) => w.name)).toEqual(['overlay', 'overlay-swarm']);
    expect(lessons.map((l) => l.name)).not.toContain('overlay-swarm');
    for (const l of lessons) expect(loadLesson(l.name, { scenariosDir: SCENARIOS_DIR, lab }).variants.length).toBe(l.ways.length);
  });

  it("a matrix cell is its lesson's row and says which way ran", () => {
    const cell = cellOf(
      {
        name: 'overlay-swarm',
        variant: { of: 'overlay', name: 'swarm' },
        file: 'f',
        description: '',
        status: 'passed',
        startedAt: '',
        durationMs: 1000,
        runId: 'r',
        transcriptDir: 't',
        steps: [],
        cleanup: [],
      },
      'trixie 26.1.5',
    );
    expect(cell).toMatchObject({ scenario: 'overlay', variant: 'swarm', status: 'passed' });
  });
});
