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
import { loadScenario } from '../scenario/catalog.js';
import { SshPool } from '../ssh/pool.js';
import { LiveGraph } from './graph.js';
import { newToken } from './security.js';
import { startWebServer, type WebBackend } from './server.js';
import { WebExercise } from './steps.js';
import { Terminals } from './terminals.js';

export interface WebOptions {
  scenario: string;
  listen: string;
  port: number;
  /** Stops the server (Ctrl-C, SIGTERM). */
  signal: AbortSignal;
}

export async function web(lab: Lab, o: WebOptions): Promise<number> {
  // The lesson is read at once: a scenario that is not an exercise is bad input before anything listens.
  const plan = loadScenario(o.scenario, { scenariosDir: SCENARIOS_DIR, lab });
  const steps = exerciseSteps(plan);
  const log = (line: string) => console.error(`lab web: ${line}`);

  const backend = async (): Promise<WebBackend> => {
    const pool = await SshPool.open(await requireTargets(lab));
    try {
      await refuseOutsideRange(plan, pool, lab);
      // The student's `docker build` and `docker run` need the lesson's images, as in `lab exercise`.
      await provideImages(plan.images, { pool, lab, log });
    } catch (err) {
      await pool.close();
      throw err;
    }
    const exercise = new WebExercise({
      lab,
      scenario: plan.name,
      steps,
      progress: loadProgress(lab, plan.name, steps.length),
      checker: labChecker(lab, pool, `web-${plan.name}-${randomBytes(3).toString('hex')}`),
      save: (progress) => saveProgress(lab, plan.name, progress),
      now: () => new Date(),
    });
    const terminals = new Terminals((node, window) => pool.session(node).shell(window));
    const graph = new LiveGraph(
      () => discover(lab, pool),
      (g) => renderGraph(g, 'svg'),
      log,
    );
    log(`connected to ${pool.nodes.join(', ')}`);
    return {
      exercise,
      terminals,
      graph,
      close: async () => {
        await graph.stop();
        await exercise.stop();
        terminals.close();
        await pool.close();
      },
    };
  };

  const server = await startWebServer({
    listen: o.listen,
    port: o.port,
    token: newToken(),
    scenario: plan.name,
    nodes: lab.nodes.map((n) => n.name),
    backend,
    log,
  });
  // The only place the token is ever written: the URL, once, on stdout.
  console.log(server.url);
  log(`${plan.name} on ${lab.name}; Ctrl-C stops`);
  await new Promise<void>((resolve) => {
    if (o.signal.aborted) resolve();
    o.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await server.close();
  log('stopped: shells and SSH connections closed');
  return 0;
}
