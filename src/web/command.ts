/**
 * `lab web --scenario NAME`: the exercise in a browser, for a lab that is up. Serves on loopback until Ctrl-C
 * or SIGTERM, then ends the session (progress saved), the shells and the SSH connections.
 */
import { randomBytes } from 'node:crypto';
import { labChecker } from '../exercise/checker.js';
import { refuseOutsideRange } from '../exercise/command.js';
import { exerciseSteps } from '../exercise/plan.js';
import { loadProgress, saveProgress } from '../exercise/progress.js';
import { discover } from '../graph/discover.js';
import { renderGraph } from '../graph/render.js';
import { provideImages } from '../images/provide.js';
import type { Lab } from '../lab/model.js';
import { requireTargets } from '../lifecycle/targets.js';
import { SCENARIOS_DIR } from '../paths.js';
import { listScenarios, loadScenario } from '../scenario/catalog.js';
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
  const initial = o.scenario === undefined ? null : loadScenario(o.scenario, { scenariosDir: SCENARIOS_DIR, lab }).name;
  if (initial !== null) exerciseSteps(loadScenario(initial, { scenariosDir: SCENARIOS_DIR, lab }));

  const backend = async (): Promise<WebBackend> => {
    const pool = await SshPool.open(await requireTargets(lab));
    const runId = `web-${randomBytes(3).toString('hex')}`;
    const make = async (name: string): Promise<WebExercise> => {
      const plan = loadScenario(name, { scenariosDir: SCENARIOS_DIR, lab });
      const steps = exerciseSteps(plan);
      await refuseOutsideRange(plan, pool, lab);
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
  };

  const server = await startWebServer({
    listen: o.listen,
    port: o.port,
    token: newToken(),
    scenario: initial,
    nodes: lab.nodes.map((n) => n.name),
    backend,
    log,
  });
  // The only place the token is ever written: the URL, once, on stdout.
  console.log(server.url);
  log(`${initial ?? `${choices.length} lessons to choose from`} on ${lab.name}; Ctrl-C stops`);
  await new Promise<void>((resolve) => {
    if (o.signal.aborted) resolve();
    o.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await server.close();
  log('stopped: shells and SSH connections closed');
  return 0;
}

/** The scenarios written as exercises, in the catalog's order (one that is not is left out of the choice). */
function exerciseChoices(lab: Lab): Choice[] {
  return listScenarios(SCENARIOS_DIR).flatMap((summary) => {
    try {
      exerciseSteps(loadScenario(summary.name, { scenariosDir: SCENARIOS_DIR, lab }));
      return [{ name: summary.name, description: summary.description }];
    } catch {
      return [];
    }
  });
}
