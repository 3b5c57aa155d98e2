/** The teacher's board without labs: a fake check of the class, and a clock the test moves. */
import { describe, expect, it } from 'vitest';
import type { ClassReport } from '../../src/exercise/class.js';
import { ClassBoard } from '../../src/web/class.js';

function setup() {
  let now = new Date('2026-01-01T10:00:00Z');
  const checks: string[] = [];
  const pending: ((r: ClassReport) => void)[] = [];
  let released = 0;
  const board = new ClassBoard({
    lessons: ['netns', 'bridge'],
    check: (lesson) =>
      new Promise<ClassReport>((resolve) => {
        checks.push(lesson);
        pending.push(resolve);
      }),
    release: async () => {
      released++;
    },
    now: () => now,
    everyMs: 4000,
  });
  const report = (scenario: string) => ({ scenario, labs: [], legend: '' }) as unknown as ClassReport;
  const settle = async (scenario: string) => {
    pending.shift()!(report(scenario));
    await new Promise((r) => setImmediate(r));
  };
  return { board, checks, settle, later: (ms: number) => (now = new Date(now.getTime() + ms)), released: () => released };
}

describe('ClassBoard', () => {
  it('waits for the first check; then gives the latest report at once, starting the next only when it is old', async () => {
    const { board, checks, settle, later } = setup();
    const first = board.view('netns');
    await settle('netns');
    expect((await first).report.scenario).toBe('netns');
    expect((await first).lessons).toEqual(['netns', 'bridge']);
    await board.view('netns');
    expect(checks).toHaveLength(1); // fresh: no check
    later(4000);
    const stale = await board.view('netns'); // the old report now, a check under way
    expect(stale.checkedAt).toBe('2026-01-01T10:00:00.000Z');
    await board.view('netns');
    expect(checks).toHaveLength(2); // one check at a time
    await settle('netns');
    expect((await board.view('netns')).checkedAt).toBe('2026-01-01T10:00:04.000Z');
  });

  it("words the report as the terminal's table does, its age counted when the page asks", async () => {
    const { board, settle, later } = setup();
    const first = board.view('netns');
    await settle('netns');
    expect((await first).words).toEqual({ headline: 'netns on 0 labs: 0 finished', checked: 'just now', rows: [] });
    later(40_000);
    expect((await board.view('netns')).words.checked).toBe('40 s ago'); // the old report, while the next is taken
  });

  it('lets go of what its checks kept once it stops, after the check under way', async () => {
    const { board, settle, released } = setup();
    void board.view('netns');
    let stopped = false;
    const stopping = board.stop().then(() => (stopped = true));
    await new Promise((r) => setImmediate(r));
    expect([stopped, released()]).toEqual([false, 0]);
    await settle('netns');
    await stopping;
    expect(released()).toBe(1);
  });

  it('offers only its lessons, each checked on its own', async () => {
    const { board, checks, settle } = setup();
    expect(board.offers('bridge')).toBe(true);
    expect(board.offers('../etc')).toBe(false);
    const bridge = board.view('bridge');
    await settle('bridge');
    expect((await bridge).report.scenario).toBe('bridge');
    expect(checks).toEqual(['bridge']);
  });
});
