/**
 * `lab web --scenario NAME`: the exercise in a browser, for a lab that is up. Serves on loopback until Ctrl-C
 * or SIGTERM, then ends the session (progress saved), the shells and the SSH connections. With `--count N`, one
 * server for a class: each of the N labs `lab up --count N` made behind a token of its own, and the teacher's board.
 */
import { randomBytes } from 'node:crypto';
import { labChecker } from '../exercise/checker.js';
import { checkedClass, exerciseWay } from '../exercise/command.js';
import { exerciseSteps } from '../exercise/plan.js';
import { loadProgress, saveProgress } from '../exercise/progress.js';
import { stampedLabs } from '../fleet/fleet.js';
import { discover } from '../graph/discover.js';
import { renderGraph } from '../graph/render.js';
import { provideImages } from '../images/provide.js';
import type { Lab } from '../lab/model.js';
import { requireTargets } from '../lifecycle/targets.js';
import { SCENARIOS_DIR } from '../paths.js';
import { listLessons, loadLesson } from '../scenario/lesson.js';
import { KeptPools } from '../ssh/kept-pools.js';
import { SshPool } from '../ssh/pool.js';
import { ClassBoard } from './class.js';
import { LiveGraph } from './graph.js';
import { newToken } from './security.js';
import { startWebServer, type WebBackend } from './server.js';
import { type Choice, WebCourse, WebExercise } from './steps.js';
import { Terminals } from './terminals.js';

export interface WebOptions {
  /** The lesson to start with; without it the page offers the choice. */
  scenario?: string | undefined;
  /** A class: the N labs `lab up --count N` made from the lab file, a page each, and the teacher's. */
  count?: number | undefined;
  listen: string;
  port: number;
  /** Stops the server (Ctrl-C, SIGTERM). */
  signal: AbortSignal;
}

export async function web(lab: Lab, o: WebOptions): Promise<number> {
  const log = (line: string) => console.error(`lab web: ${line}`);
  // The lessons written as exercises; the one asked for is read at once (bad input before anything listens).
  const choices = exerciseChoices(lab);
  const initial = o.scenario === undefined ? null : loadLesson(o.scenario, { scenariosDir: SCENARIOS_DIR, lab });
  for (const plan of initial?.variants ?? []) exerciseSteps(plan);
  const labs = o.count ? stampedLabs(lab, o.count) : [lab];
  const say = o.count ? (l: Lab) => (line: string) => log(`${l.name}: ${line}`) : () => log;

  const server = await startWebServer({
    listen: o.listen,
    port: o.port,
    scenario: initial?.name ?? null,
    students: labs.map((l) => ({
      lab: l.name,
      token: newToken(),
      nodes: l.nodes.map((n) => n.name),
      backend: () => labBackend(l, choices, initial?.name ?? null, say(l)),
    })),
    teacher: o.count ? { token: newToken(), board: classBoard(lab, o.count, choices, initial?.name ?? null) } : undefined,
    log,
  });
  // The only place a token is ever written: its URL, once, on stdout.
  if (o.count) {
    for (const { lab, url } of server.studentUrls) console.log(`${lab} ${url}`);
    console.log(`teacher ${server.url}`);
  } else console.log(server.url);
  const what = initial?.name ?? `${choices.length} lessons to choose from`;
  log(`${what} on ${o.count ? `${labs.length} labs (${labs[0]!.name} to ${labs.at(-1)!.name})` : lab.name}; Ctrl-C stops`);
  await new Promise<void>((resolve) => {
    if (o.signal.aborted) resolve();
    o.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await server.close();
  log('stopped: shells and SSH connections closed');
  return 0;
}

/** A student lab's part of the server: its SSH pool, the exercise session, its shells and its graph. */
async function labBackend(lab: Lab, choices: Choice[], initial: string | null, log: (line: string) => void): Promise<WebBackend> {
  const pool = await SshPool.open(await requireTargets(lab));
  const runId = `web-${randomBytes(3).toString('hex')}`;
  const make = async (name: string): Promise<WebExercise> => {
    const plan = await exerciseWay(loadLesson(name, { scenariosDir: SCENARIOS_DIR, lab }), pool, lab);
    const steps = exerciseSteps(plan);
    // The student's `docker build` and `docker run` need the lesson's images, as in `lab exercise`.
    await provideImages(plan.images, { pool, lab, log });
    return new WebExercise({
      lab,
      scenario: plan.name,
      steps,
      progress: loadProgress(lab, plan.name, steps.length),
      checker: labChecker(lab, pool, `${runId}-${plan.name}`),
      save: (progress) => saveProgress(lab, plan.name, progress),
      now: () => new Date(),
    });
  };
  const course = new WebCourse(choices, make);
  if (initial !== null) void course.choose(initial);
  const terminals = new Terminals((node, window) => pool.session(node).shell(window));
  const graph = new LiveGraph(
    () => discover(lab, pool),
    (g) => renderGraph(g, 'svg'),
    log,
  );
  log(`connected to ${pool.nodes.join(', ')}`);
  return {
    course,
    terminals,
    graph,
    close: async () => {
      await graph.stop();
      await course.stop();
      terminals.close();
      await pool.close();
    },
  };
}

/** The teacher's board: `lab exercise NAME --check --count N`'s report of any lesson offered, the one given first. */
function classBoard(base: Lab, count: number, choices: Choice[], initial: string | null): ClassBoard {
  const names = choices.map((c) => c.name);
  const lessons = initial === null ? names : [initial, ...names.filter((n) => n !== initial)];
  // Asked every few seconds while a teacher looks: each lab's SSH connections are kept from one look to the next.
  const pools = new KeptPools();
  return new ClassBoard({
    lessons,
    check: (name) => checkedClass(base, loadLesson(name, { scenariosDir: SCENARIOS_DIR, lab: base }), count, pools.use),
    release: () => pools.close(),
  });
}

/** The lessons written as exercises, in the catalog's order (one that is not is left out of the choice). */
function exerciseChoices(lab: Lab): Choice[] {
  return listLessons(SCENARIOS_DIR).flatMap(({ name, ways }) => {
    try {
      for (const plan of loadLesson(name, { scenariosDir: SCENARIOS_DIR, lab }).variants) exerciseSteps(plan);
      return [{ name, description: ways[0]!.description }];
    } catch {
      return [];
    }
  });
}
