/**
 * Every scenario `lab scenario --list` shows is an exercise: each step a student types is explained and is
 * known to be done by a read-only check, by re-running a step that only looks, or by the student's Enter.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exerciseSteps } from '../../src/exercise/plan.js';
import { verifyingCommands } from '../../src/exercise/probe.js';
import { loadLab } from '../../src/lab/model.js';
import { SCENARIOS_DIR } from '../../src/paths.js';
import { listScenarios, loadScenario } from '../../src/scenario/catalog.js';

const lab = loadLab(join(import.meta.dirname, '../../lab.yaml'));

/**
 * Commands of the course that change a node. A step that runs one of them must not be re-run as its own check,
 * and a check must not run one: exercise mode polls both every second.
 */
const CHANGES_THE_NODE =
  /\bdocker (run|rm|rmi|build|create|start|stop|kill|swarm (init|join|leave)(?!-)|network (create|rm|connect|disconnect))\b|\bip (netns (add|del)|link (add|set|del)|addr (add|del)|route (add|del))|\biptables (-t \w+ )?-[ADIFNX]\b|\bbrctl (addbr|delbr|addif|delif)\b|\bln -s\b|\brm -|\bmkdir\b|\bcat >|\bservice \w+ (start|stop|restart)\b|\bsystemctl (start|stop|restart)\b|\btouch\b|\bkill\b/;

describe('every listed scenario supports exercise mode', () => {
  const scenarios = listScenarios(SCENARIOS_DIR);

  it('lists the course scenarios', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(16);
    expect(scenarios.filter((s) => s.problem)).toEqual([]);
  });

  for (const { name } of scenarios) {
    it(`${name}: every step is explained, and checked, safely re-run or confirmed`, () => {
      const steps = exerciseSteps(loadScenario(name, { scenariosDir: SCENARIOS_DIR, lab }));
      expect(steps.length).toBeGreaterThan(0);
      for (const step of steps) {
        const where = `${name} step ${step.number} "${step.title}"`;
        expect(step.explain, `${where} has no explain`).toBeTruthy();
        for (const c of verifyingCommands(step)) expect(c.run, `${where} verifies with a command that changes the node`).not.toMatch(CHANGES_THE_NODE);
        if (step.verify.kind === 'check') expect(step.hint, `${where} has a check but no hint`).toBeTruthy();
      }
    });
  }
});
