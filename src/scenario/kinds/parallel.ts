/** `parallel:`: `run:` steps at the same time, one step for the report and for the student. */
import { z } from 'zod';
import { slug } from '../format/builder.js';
import { commandStepSchema } from '../format/keys.js';
import type { Origin, StudentGuide } from '../plan.js';
import { worstStatus } from '../results.js';
import { scaleGuide } from './command.js';
import { kindOf, type StepKind } from './kind.js';
import type { LeafStep } from './registry.js';

export interface ParallelStep {
  kind: 'parallel';
  id: string;
  slug: string;
  name: string;
  steps: LeafStep[];
  origin: Origin;
  guide?: StudentGuide;
}

export const parallelKeys = {
  parallel: z.array(commandStepSchema).min(1).optional().describe('instead of run: steps run at the same time'),
};

export const parallel: StepKind<ParallelStep> = {
  kind: 'parallel',
  key: 'parallel',
  load: (b, source, step, path, phase) => {
    b.misplacedKeys(
      source,
      step,
      path,
      ['on', 'sudo', 'timeout', 'expect', 'retry', 'capture', 'background', 'with'],
      'does not apply to a parallel group; put it on the steps inside',
    );
    // (parallel items are validated by commandStepSchema: each has run, and no use/stop/parallel)
    const id = b.nextId(phase);
    // Steps of one group run at the same time: a capture made inside is usable after the group, not within.
    const visible = new Set(b.captures);
    const children = step.parallel!.flatMap((child, k) => {
      const leaf = b.leaf(source, child, [...path, 'parallel', k], phase, `${id}.${k + 1}`, visible);
      return leaf ? [leaf] : [];
    });
    const name = step.name ?? `parallel: ${children.map((c) => c.name).join(' | ')}`;
    const built: ParallelStep = { kind: 'parallel', id, slug: slug(id, name), name, steps: children, origin: source.doc.locate(path) };
    return [b.withGuide(source, step, path, phase, built)];
  },
  run: async (step, phase, context) => {
    const t0 = performance.now();
    const children = await context.group(step.steps, phase);
    return {
      id: step.id,
      name: step.name,
      kind: 'parallel',
      phase,
      status: worstStatus(children.map((c) => c.status)),
      durationMs: performance.now() - t0,
      nodes: [],
      steps: children,
      origin: step.origin,
    };
  },
  scale: (step, factor) => scaleGuide({ ...step, steps: step.steps.map((s) => kindOf(s).scale(s, factor)) }, factor),
  rerunnable: (step) => step.steps.every((s) => kindOf(s).rerunnable(s)),
};
