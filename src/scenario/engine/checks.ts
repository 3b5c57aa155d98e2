/**
 * `lab scenario` runs each step's `check:` right after the step, as steps of their own: a solution that does
 * not satisfy its own check fails the scenario, in CI and on every Docker version of the matrix.
 */
import type { PlanStep } from '../kinds/registry.js';
import { checksOf } from '../plan.js';

export function withChecks(steps: readonly PlanStep[]): PlanStep[] {
  return steps.flatMap((step) => [step, ...checksOf(step)]);
}
