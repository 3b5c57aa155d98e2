/**
 * `lab exercise NAME --reset`: the scenario's cleanup, run as `lab scenario` runs it, each step replaced by what
 * its kind runs instead when the student, not the runner, started what it undoes (kinds/stop.ts).
 */

import { kindOf } from '../kinds/registry.js';
import { FINAL_STOP, stopHandStarted } from '../kinds/stop.js';
import { leaves, mainSteps, type ScenarioPlan } from '../plan.js';

/** The plan `--reset` runs: no steps, the cleanup with every step as its kind resets it. */
export function resetPlan(plan: ScenarioPlan): ScenarioPlan {
  const cleanup = plan.cleanup.map((s) => kindOf(s).reset?.(s, plan) ?? s);
  // `lab scenario` stops whatever still runs after its cleanup (FINAL_STOP); so must --reset, or a capture
  // the student left running (a tcpdump no `stop:` names) outlives it.
  const daemons = mainSteps(plan)
    .flatMap(leaves)
    .filter((l) => kindOf(l).daemon);
  const nodes = [...new Set(daemons.flatMap((d) => d.nodes))];
  return {
    ...plan,
    // A way of a lesson keeps its range: it is how the way that ran on this lab is told from the others.
    requires: plan.variant ? plan.requires : null,
    images: [],
    steps: [],
    teardown: [],
    cleanup: daemons.length ? [...cleanup, stopHandStarted(plan, { ...FINAL_STOP, nodes })] : cleanup,
  };
}
