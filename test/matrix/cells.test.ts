import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { cellOf, regressions, renderTable } from '../../src/matrix/cells.js';
import { suiteFor } from '../../src/matrix/suites.js';
import type { Cell } from '../../src/report/cell.js';
import type { ScenarioResult } from '../../src/scenario/results.js';

function result(over: Partial<ScenarioResult>): ScenarioResult {
  return {
    name: 'overlay',
    file: 'x',
    description: '',
    status: 'passed',
    startedAt: '',
    durationMs: 12_300,
    runId: 'r',
    transcriptDir: 't',
    steps: [],
    cleanup: [],
    ...over,
  };
}

describe('matrix cells', () => {
  it("names the failing step, its node and the daemon's own words", () => {
    const failed = result({
      status: 'failed',
      steps: [
        { id: '1', name: 'start etcd', kind: 'background', phase: 'main', status: 'passed', durationMs: 1, nodes: [] },
        {
          id: '4',
          name: 'dockerd with the cluster store',
          kind: 'background',
          phase: 'main',
          status: 'failed',
          durationMs: 1,
          nodes: [
            {
              node: 'docker-node1',
              status: 'failed',
              command: 'dockerd ...',
              attempts: 1,
              exitCode: 1,
              stdout: '',
              stderr: 'the runner may word this as it likes\n',
              durationMs: 1,
              failures: [
                { kind: 'daemon-died', check: 'c', detail: 'd', daemon: 'dockerd with the cluster store', lastWords: 'unknown flag: --cluster-store' },
              ],
            },
          ],
        },
      ],
    });
    expect(cellOf(failed, 'trixie 26.1.5')).toEqual({
      scenario: 'overlay',
      column: 'trixie 26.1.5',
      status: 'failed',
      detail: 'step "dockerd with the cluster store" on docker-node1: daemon "dockerd with the cluster store" exited: unknown flag: --cluster-store',
      durationMs: 12_300,
    });
  });

  it('renders scenario by version, with skips and their reasons', () => {
    const cells: Cell[] = [
      { scenario: 'overlay', column: 'bookworm 20.10.24', status: 'passed', durationMs: 14_000 },
      { scenario: 'overlay', column: 'trixie 26.1.5', status: 'skipped', detail: 'requires Docker <23', durationMs: 0 },
      { scenario: 'overlay-swarm', column: 'bookworm 20.10.24', status: 'passed', durationMs: 9_000 },
      { scenario: 'overlay-swarm', column: 'trixie 26.1.5', status: 'failed', detail: 'step "x" | y', durationMs: 3_000 },
    ];
    expect(renderTable(cells, ['bookworm 20.10.24', 'trixie 26.1.5'], ['overlay', 'overlay-swarm'])).toBe(
      [
        '| scenario | bookworm 20.10.24 | trixie 26.1.5 |',
        '|---|---|---|',
        '| overlay | ✅ passed (14.0 s) | ⏭ skipped: requires Docker <23 |',
        '| overlay-swarm | ✅ passed (9.0 s) | ❌ failed (3.0 s): step "x" \\| y |',
        '',
      ].join('\n'),
    );
  });

  it('counts only what passed in the baseline and fails now as a regression', () => {
    const base: Cell[] = [
      { scenario: 'a', column: 'trixie 26.1.4', status: 'passed', durationMs: 0 },
      { scenario: 'b', column: 'trixie 26.1.4', status: 'failed', durationMs: 0 },
    ];
    const now: Cell[] = [
      { scenario: 'a', column: 'trixie 26.1.5', status: 'failed', durationMs: 0 },
      { scenario: 'b', column: 'trixie 26.1.5', status: 'failed', durationMs: 0 },
    ];
    expect(regressions(now, base).map((c) => c.scenario)).toEqual(['a']);
  });

  it('maps versions and suites to a lab, and rejects unknown ones', () => {
    expect(suiteFor('20.10.24')).toBe('bookworm');
    expect(suiteFor('26.1')).toBe('trixie');
    expect(suiteFor('sid')).toBe('sid');
    expect(() => suiteFor('24.0.7')).toThrow(InputError);
    expect(() => suiteFor('20.10')).toThrow(/unambiguously/);
  });
});
