import { describe, expect, it } from 'vitest';
import { exitCodeOf, InterruptedError } from '../../src/errors.js';
import { runTasks, stopOn } from '../../src/lifecycle/tasks.js';

describe('interruptions', () => {
  it('exit with 128 + the signal number, as a shell reports it', () => {
    expect(exitCodeOf(new InterruptedError('SIGINT'))).toBe(130);
    expect(exitCodeOf(new InterruptedError('SIGTERM'))).toBe(143);
  });

  it('name the innermost step they cut short', () => {
    const inner = new InterruptedError('SIGTERM').during('vagrant up');
    expect(inner.during('Debian bookworm')).toBe(inner);
    expect(inner.message).toBe('SIGTERM interrupted step "vagrant up"');
    expect(inner.exitCode).toBe(143);
  });

  it('stop a list of steps: the running one is named, whatever it threw, and no later one starts', async () => {
    const controller = new AbortController();
    const ran: string[] = [];
    const tasks = stopOn(controller.signal, [
      { title: 'first', task: () => void ran.push('first') },
      {
        title: 'second',
        task: async () => {
          ran.push('second');
          controller.abort(new InterruptedError('SIGINT'));
          throw new Error('connection closed'); // what a cancelled command throws
        },
      },
      { title: 'third', task: () => void ran.push('third') },
    ]);
    const err = await runTasks(tasks, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InterruptedError);
    expect((err as InterruptedError).step).toBe('second');
    expect(ran).toEqual(['first', 'second']);
  });

  it('leave the errors of steps that were not interrupted alone', async () => {
    const tasks = stopOn(new AbortController().signal, [{ title: 'only', task: () => Promise.reject(new Error('boom')) }]);
    await expect(runTasks(tasks, {})).rejects.toThrow('boom');
  });
});
