/**
 * `lab scenario` runs each step's `check:` right after the step, as steps of their own: a solution that does
 * not satisfy its own check fails the scenario, in CI and on every Docker version of the matrix. A step with a
 * `watch:` has it started before it and stopped after its checks, each reported as a step too.
 */
import type { PlanStep } from '../kinds/registry.js';
import { checksOf, watchOf } from '../plan.js';
import { watchStop } from './watch.js';

export function withChecks(steps: readonly PlanStep[]): PlanStep[] {
  return steps.flatMap((step) => {
    const watch = watchOf(step);
    return watch ? [watch, step, ...checksOf(step), watchStop(watch)] : [step, ...checksOf(step)];
  });
}
