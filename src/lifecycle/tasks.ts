import { Listr, type ListrTask, PRESET_TIMESTAMP } from 'listr2';
import { InterruptedError } from '../errors.js';
import { wantsPlainOutput } from '../report/plain.js';

/** Runs lifecycle tasks with listr2: a live tree in a terminal, plain timestamped lines under CI. */
export async function runTasks<C>(tasks: ListrTask<C>[], ctx: C, options: { concurrent?: number; exitOnError?: boolean } = {}): Promise<C> {
  const list = new Listr<C>(tasks, {
    ctx,
    concurrent: options.concurrent ?? false,
    exitOnError: options.exitOnError ?? true,
    registerSignalListeners: false, // the CLI owns Ctrl-C: it must still clean up
    renderer: 'default',
    fallbackRenderer: 'simple',
    fallbackRendererCondition: wantsPlainOutput,
    rendererOptions: { collapseSubtasks: false, showErrorMessage: false },
    fallbackRendererOptions: { timestamp: PRESET_TIMESTAMP },
  });
  return list.run();
}

/**
 * Steps that stop at the signal: none starts once it fired, and whatever the step in hand throws then (a
 * cancelled Vagrant, a closed connection) becomes the interruption, naming that step for the user.
 */
export function stopOn<C>(signal: AbortSignal | undefined, tasks: ListrTask<C>[]): ListrTask<C>[] {
  if (!signal) return tasks;
  return tasks.map((t) => ({
    ...t,
    task: async (ctx, task) => {
      const step = t.title ?? 'a step';
      try {
        signal.throwIfAborted();
        return await t.task(ctx, task);
      } catch (err) {
        const interruption = err instanceof InterruptedError ? err : signal.aborted && signal.reason instanceof InterruptedError ? signal.reason : null;
        throw interruption ? interruption.during(String(step)) : err;
      }
    },
  }));
}
