/**
 * `run:` with `background: true`: a daemon, started detached on each of the step's nodes (engine/background.ts),
 * judged only on starting, and stopped by a `stop:` step or after cleanup.
 */
import type { LeafBase } from '../plan.js';
import { loadRun, scaleLeaf } from './command.js';
import type { StepKind } from './kind.js';

export interface BackgroundStep extends LeafBase {
  kind: 'background';
}

export const background: StepKind<BackgroundStep> = {
  kind: 'background',
  key: 'run',
  is: (step) => step.background === true,
  load: loadRun,
  leaf: (b, source, step, path, phase, base) => {
    if (phase === 'cleanup') b.problem(source.doc.locateKey([...path, 'background']), 'background is not allowed in cleanup');
    for (const key of ['expect', 'capture', 'retry'] as const) {
      if (step[key] !== undefined)
        b.problem(source.doc.locateKey([...path, key]), `${key} is not allowed on a background step (it is judged only on starting)`);
    }
    const built: BackgroundStep = { kind: 'background', ...base };
    b.daemon(built, source);
    return built;
  },
  run: (step, phase, context) => context.onNodes(step, phase, (node, command) => context.background.start(step, node, command, context.signal)),
  scale: scaleLeaf,
  // Without a check, the student says the daemon runs.
  rerunnable: () => false,
  daemon: true,
  // A daemon must outlive the student's command line, as the course starts etcd: nohup ... &.
  typed: (text, step) => `nohup ${text} > ${step.slug}.log 2>&1 &`,
};

export function isBackground(step: { kind: string }): step is BackgroundStep {
  return step.kind === background.kind;
}
