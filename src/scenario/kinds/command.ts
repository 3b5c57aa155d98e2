/**
 * `run:`: a command on each of the step's nodes, judged by its `expect`, tried again under `retry` until it holds,
 * its stdout kept under `capture`. A check is a step of this kind too.
 */
import { runAttempts } from '../engine/attempts.js';
import type { Path, Source, StepBuilder } from '../format/builder.js';
import type { StepFile } from '../format/schema.js';
import type { CaptureSpec } from '../judge/capture.js';
import type { Expectation } from '../judge/expect.js';
import type { LeafBase, StudentGuide } from '../plan.js';
import type { Phase } from '../results.js';
import type { StepKind } from './kind.js';
import type { PlanStep } from './registry.js';

export interface CommandStep extends LeafBase {
  kind: 'command';
  expect: Expectation;
  retry: { forMs: number; everyMs: number } | null;
  /** Only ever set on a step with one node (checked when loading). */
  capture: CaptureSpec | null;
}

const DEFAULT_RETRY_EVERY = '1s';

export const command: StepKind<CommandStep> = {
  kind: 'command',
  key: 'run',
  is: (step) => !step.background,
  load: loadRun,
  leaf: (b, source, step, path, phase, base, visibleCaptures) => {
    const expect = b.expectation(source, step.expect, [...path, 'expect'], visibleCaptures);
    let retry: CommandStep['retry'] = null;
    if (step.retry)
      retry = {
        forMs: b.duration(source, step.retry.for, [...path, 'retry', 'for']),
        everyMs: b.duration(source, step.retry.every ?? DEFAULT_RETRY_EVERY, [...path, 'retry', 'every']),
      };
    const capture = step.capture === undefined ? null : b.capture(source, step.capture, [...path, 'capture'], base.nodes, phase);
    return { kind: 'command', ...base, expect, retry, capture };
  },
  run: (step, phase, context) =>
    context.onNodes(step, phase, (node, command, values) =>
      runAttempts(context.executor, step, node, command, values, { retry: true, signal: context.signal }),
    ),
  scale: (step, factor) => ({
    ...scaleLeaf(step, factor),
    retry: step.retry ? { forMs: Math.round(step.retry.forMs * factor), everyMs: step.retry.everyMs } : null,
  }),
  rerunnable: () => true,
};

/** A top-level `run:` step, whichever kind it is: numbered, built by its kind, and guided. */
export function loadRun(b: StepBuilder, source: Source, step: StepFile, path: Path, phase: Phase): PlanStep[] {
  b.misplacedKeys(source, step, path, ['with'], 'applies only to a use step');
  const leaf = b.leaf(source, step, path, phase, b.nextId(phase), b.captures);
  return leaf ? [b.withGuide(source, step, path, phase, leaf)] : [];
}

export function isCommand(step: { kind: string }): step is CommandStep {
  return step.kind === command.kind;
}

/** A `run:` step's timeout stretched, and its checks, which are command steps. */
export function scaleLeaf<S extends LeafBase>(step: S, factor: number): S {
  return scaleGuide({ ...step, timeoutMs: Math.round(step.timeoutMs * factor) }, factor);
}

/** The checks run after a step (exercise mode and `check:`) stretch as the steps they are, and its watch's wait to be ready. */
export function scaleGuide<S extends { guide?: StudentGuide }>(step: S, factor: number): S {
  if (step.guide?.verify.kind !== 'check') return step;
  return {
    ...step,
    guide: {
      ...step.guide,
      verify: {
        ...step.guide.verify,
        checks: step.guide.verify.checks.map((c) => command.scale(c, factor)),
        watch: step.guide.verify.watch && scaleLeaf(step.guide.verify.watch, factor),
      },
    },
  };
}
