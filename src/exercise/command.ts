/**
 * `lab exercise NAME [--challenge|--check|--reset]`: the student types the course and docker-lab checks
 * each step. The entry the CLI calls; the parts are in this folder.
 */
import { randomBytes } from 'node:crypto';
import semver from 'semver';
import { InputError } from '../errors.js';
import { stampedLabs } from '../fleet/fleet.js';
import { provideImages } from '../images/provide.js';
import type { Lab } from '../lab/model.js';
import { requireTargets } from '../lifecycle/targets.js';
import { SUITE_VERSIONS } from '../matrix/suites.js';
import { SCENARIOS_DIR } from '../paths.js';
import { resetScenarios } from '../run/reset.js';
import { type DockerVersions, unmetRequirement } from '../scenario/engine/requirements.js';
import { chooseVariant, type Lesson, loadLesson } from '../scenario/lesson.js';
import type { ScenarioPlan } from '../scenario/plan.js';
import { SshPool } from '../ssh/pool.js';
import type { SshTarget } from '../ssh/target.js';
import { labChecker } from './checker.js';
import { type ClassReport, classExitCode, classReport, classRow, type LabFinding, renderClass } from './class.js';
import { afterTheFact, type ExerciseStep, exerciseSteps } from './plan.js';
import { type Miss, type ProbeContext, probe } from './probe.js';
import { forgetProgress, loadProgress, type Progress, savedProgress, saveProgress } from './progress.js';
import { describeMiss } from './screen.js';
import { exerciseSession } from './session.js';
import { passLine, type StepVerdict, standingLine, stepsDone } from './standing.js';

type ExerciseAction = 'interactive' | 'challenge' | 'check' | 'reset';

export interface ExerciseOptions {
  /** With `check`: the N labs `lab up --count N` made from the lab file, one row each (the teacher's view). */
  count?: number | undefined;
  /** With `check`: `json` prints `docker-lab/class@1` instead of text. */
  reporter?: 'text' | 'json' | undefined;
}

export async function exercise(lab: Lab, name: string, action: ExerciseAction, options: ExerciseOptions = {}): Promise<number> {
  const lesson = loadLesson(name, { scenariosDir: SCENARIOS_DIR, lab });
  if (action === 'reset') {
    // Before the steps are read as an exercise: a scenario that is no exercise yet may still need its cleanup.
    const exitCode = await resetScenarios([lesson], { lab, targets: await requireTargets(lab) });
    for (const plan of lesson.variants) forgetProgress(lab, plan.name);
    console.log(`${lesson.name}: cleanup ${exitCode === 0 ? 'ran' : 'ran with failures (see above)'}; progress forgotten`);
    return exitCode;
  }
  // Every way of the lesson is read as an exercise: bad input is found before a node is asked anything.
  for (const plan of lesson.variants) exerciseSteps(plan);
  if (action === 'check' && options.count) return checkClass(lab, lesson, options.count, options.reporter ?? 'text');
  const targets = await requireTargets(lab);
  if (action !== 'check' && !process.stdin.isTTY)
    throw new InputError(`exercise: needs a terminal to read keys; for scripts use \`lab exercise ${lesson.name} --check\``);
  return withPool(targets, async (pool) => {
    const plan = await exerciseWay(lesson, pool, lab);
    const steps = exerciseSteps(plan);
    if (action === 'check') {
      const lessonSteps = steps.filter((s) => s.part === 'lesson');
      const { done, misses } = await walk(lessonSteps, { pool, lab, captures: {} });
      const progress = savedProgress(lab, plan.name, steps.length);
      if (options.reporter === 'json') {
        const row = classRow(steps, { lab: lab.name, kind: 'checked', done, progress });
        console.log(JSON.stringify(classReport(plan.name, steps, [row]), null, 2));
        return done === lessonSteps.length ? 0 : 1;
      }
      console.log(
        standingLine(
          lessonSteps,
          done,
          steps.filter((s) => s.part === 'teardown'),
        ),
      );
      // How the student passed each step, from the saved progress (state alone can not tell).
      if (progress) console.log(passLine(steps, progress));
      // What stopped the walk, in the words the student would see after Enter.
      if (misses.length) console.log(misses.flatMap(describeMiss).join('\n'));
      return done === lessonSteps.length ? 0 : 1;
    }
    // The student's `docker build` and `docker run` need the lesson's images as `lab scenario` would have them.
    await provideImages(plan.images, { pool, lab, log: (line) => console.log(line) });
    const runId = `exercise-${plan.name}-${randomBytes(3).toString('hex')}`;
    await exerciseSession({
      lab,
      scenario: plan.name,
      steps,
      mode: action === 'challenge' ? 'challenge' : 'guided',
      progress: loadProgress(lab, plan.name, steps.length),
      checker: labChecker(lab, pool, runId),
      save: (progress) => saveProgress(lab, plan.name, progress),
      now: () => new Date(),
      input: process.stdin,
      output: process.stdout,
    });
    return 0;
  });
}

/**
 * The teacher's view: every lab `lab up --count N` made, checked side by side (read-only checks and saved
 * progress; no solution runs), one row each. A lab that is not up, or can not be checked, is a row that says so.
 */
async function checkClass(base: Lab, lesson: Lesson, count: number, reporter: 'text' | 'json'): Promise<number> {
  const report = await checkedClass(base, lesson, count);
  console.log(reporter === 'json' ? JSON.stringify(report, null, 2) : renderClass(report, new Date()).trimEnd());
  return classExitCode(report.labs);
}

/**
 * How a look at a lab reaches its nodes: by default a pool opened for it and closed after (the CLI looks once);
 * the web's board, which looks every few seconds, keeps its pools open (`KeptPools`).
 */
export type Reach = <T>(lab: Lab, targets: SshTarget[], use: (pool: SshPool) => Promise<T>) => Promise<T>;

const openForTheLook: Reach = (_lab, targets, use) => withPool(targets, use);

/**
 * The class's report (`docker-lab/class@1`): each of the N labs checked side by side, read-only. What
 * `--check --count N` prints, and what `lab web --count N` shows the teacher.
 */
export async function checkedClass(base: Lab, lesson: Lesson, count: number, reach: Reach = openForTheLook): Promise<ClassReport> {
  const labs = stampedLabs(base, count);
  const found = await Promise.all(labs.map((lab) => findOnLab(lab, lesson.name, count, reach)));
  // The labs of a class come from one lab file, so one Docker: the way the first lab checked runs is the class's.
  const plan = found.find((f) => f.way)?.way ?? lesson.variants[0];
  const steps = exerciseSteps(plan);
  return classReport(
    plan.name,
    steps,
    found.map((f) => classRow(steps, f.finding)),
  );
}

/** One lab of the class, and the way of the lesson its Docker runs (when it could be asked). */
async function findOnLab(lab: Lab, name: string, count: number, reach: Reach): Promise<{ finding: LabFinding; way?: ScenarioPlan }> {
  let targets: SshTarget[];
  try {
    targets = await requireTargets(lab);
  } catch {
    return {
      finding: { lab: lab.name, kind: 'not-up', why: `no SSH addresses recorded under ${lab.dir}/.vagrant (\`lab up --count ${count}\` brings it up)` },
    };
  }
  let progress: Progress | null = null;
  try {
    // Each lab reads the lesson with its own addresses; the student's progress is that of the way they began.
    const lesson = loadLesson(name, { scenariosDir: SCENARIOS_DIR, lab });
    progress = lesson.variants.map((p) => savedProgress(lab, p.name, exerciseSteps(p).length)).find((p) => p !== null) ?? null;
    return await reach(lab, targets, async (pool) => {
      const way = await exerciseWay(lesson, pool, lab);
      const { done } = await walk(
        exerciseSteps(way).filter((s) => s.part === 'lesson'),
        { pool, lab, captures: {} },
      );
      return { finding: { lab: lab.name, kind: 'checked', done, progress }, way };
    });
  } catch (err) {
    return { finding: { lab: lab.name, kind: 'unchecked', why: (err as Error).message.split('\n')[0]!, progress } };
  }
}

/**
 * Checks the live state against the steps in order, up to the first that does not hold: the number done, and
 * what that step found.
 */
async function walk(steps: readonly ExerciseStep[], ctx: ProbeContext): Promise<{ done: number; misses: Miss[] }> {
  const verdicts: StepVerdict[] = [];
  let misses: Miss[] = [];
  for (const step of steps) {
    if (step.verify.kind === 'confirm') {
      verdicts.push('unproven');
      continue;
    }
    const v = await probe(step, ctx);
    verdicts.push(!v.holds ? 'fails' : afterTheFact(step) === 'unproven' ? 'unproven' : 'holds');
    if (!v.holds) {
      misses = v.misses;
      break;
    }
    Object.assign(ctx.captures, v.captures);
  }
  return { done: stepsDone(verdicts), misses };
}

async function withPool<T>(targets: SshTarget[], use: (pool: SshPool) => Promise<T>): Promise<T> {
  const pool = await SshPool.open(targets);
  try {
    return await use(pool);
  } finally {
    await pool.close();
  }
}

/**
 * The way of the lesson the lab's Docker fits. Where none does, the student would be led into a daemon that
 * refuses the course's own command (Docker 23 and later refuse `--cluster-store`) with no word of why: refused
 * before the first step, with the suites whose Docker the lesson fits.
 */
export async function exerciseWay(lesson: Lesson, pool: SshPool, lab: Lab): Promise<ScenarioPlan> {
  const versions: DockerVersions = new Map();
  const plan = await chooseVariant(lesson, (range) => unmetRequirement(range, pool, lab, versions));
  if (!plan.requires) return plan;
  const unmet = await unmetRequirement(plan.requires.docker, pool, lab, versions);
  if (!unmet) return plan;
  const range = plan.requires.docker;
  const fits = (Object.entries(SUITE_VERSIONS) as [string, { docker: string }][])
    .filter(([, v]) => semver.satisfies(v.docker, range))
    .map(([suite, v]) => `${suite} (Docker ${v.docker})`);
  throw new InputError(
    `${plan.name} ${unmet}: the lesson cannot be done on this lab's Docker.\n` +
      `  a lab whose \`suite:\` in ${lab.file} is ${fits.join(' or ') || 'none of the known suites'} can (then \`lab down\` and \`lab up\`)`,
  );
}
