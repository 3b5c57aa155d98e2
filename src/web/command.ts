/**
 * `lab web --scenario NAME`: the exercise in a browser, for a lab that is up. Serves on loopback until Ctrl-C
 * or SIGTERM, then ends the session (progress saved), the shells and the SSH connections.
 */
import { randomBytes } from 'node:crypto';
import { labChecker } from '../exercise/checker.js';
import { exerciseWay } from '../exercise/command.js';
import { exerciseSteps } from '../exercise/plan.js';
import { loadProgress, saveProgress } from '../exercise/progress.js';
import { discover } from '../graph/discover.js';
import { renderGraph } from '../graph/render.js';
import { provideImages } from '../images/provide.js';
import type { Lab } from '../lab/model.js';
import { requireTargets } from '../lifecycle/targets.js';
import { SCENARIOS_DIR } from '../paths.js';
import { listLessons, loadLesson } from '../scenario/lesson.js';
import { SshPool } from '../ssh/pool.js';
import { LiveGraph } from './graph.js';
import { newToken } from './security.js';
import { startWebServer, type WebBackend } from './server.js';
import { type Choice, WebCourse, WebExercise } from './steps.js';
import { Terminals } from './terminals.js';

export interface WebOptions {
  /** The lesson to start with; without it the page offers the choice. */
  scenario?: string | undefined;
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

  const backend = async (): Promise<WebBackend> => {
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
    if (initial !== null) void course.choose(initial.name);
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
  };

  const server = await startWebServer({
    listen: o.listen,
    port: o.port,
    token: newToken(),
    scenario: initial?.name ?? null,
    nodes: lab.nodes.map((n) => n.name),
    backend,
    log,
  });
  // The only place the token is ever written: the URL, once, on stdout.
  console.log(server.url);
  log(`${initial?.name ?? `${choices.length} lessons to choose from`} on ${lab.name}; Ctrl-C stops`);
  await new Promise<void>((resolve) => {
    if (o.signal.aborted) resolve();
    o.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await server.close();
  log('stopped: shells and SSH connections closed');
  return 0;
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
