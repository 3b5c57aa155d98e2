import { Listr, PRESET_TIMESTAMP, type ListrTask } from 'listr2';
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
