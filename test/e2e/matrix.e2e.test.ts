/**
 * The regression matrix for real, on real Vagrant + LXC labs: run the way the shipped CI workflow runs it
 * (its own `run:` scripts, two shard processes side by side, then the merge), and with --ignore-requires.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadLab } from '../../src/lab/model.js';
import { renderTable } from '../../src/matrix/cells.js';
import { ensureBox } from '../../src/providers/box.js';
import type { Cell } from '../../src/report/cell.js';

const ROOT = join(import.meta.dirname, '../..');
const lab = (...args: string[]) => execa('node', [join(ROOT, 'bin/lab.js'), ...args], { reject: false, cwd: ROOT, env: { CI: 'true' }, all: true });
const matrixLabs = async () =>
  String((await execa('lxc-ls', ['-1'])).stdout)
    .split('\n')
    .filter((n) => n.startsWith('dlab-m-'));

interface MatrixJson {
  columns: string[];
  cells: Cell[];
}
const matrixJson = (dir: string) => JSON.parse(readFileSync(join(dir, 'matrix.json'), 'utf8')) as MatrixJson;
const at = (cs: Cell[], scenario: string, suite: string) => cs.find((c) => c.scenario === scenario && c.column.startsWith(`${suite} `));

/** The `run:` script of the workflow's step with this id, as GitHub Actions would run it. */
function workflowScript(stepId: string): string {
  const wf = parse(readFileSync(join(ROOT, '.github/workflows/matrix.yml'), 'utf8')) as { jobs: Record<string, { steps: { id?: string; run?: string }[] }> };
  const step = Object.values(wf.jobs)
    .flatMap((j) => j.steps)
    .find((s) => s.id === stepId);
  if (!step?.run) throw new Error(`.github/workflows/matrix.yml has no step '${stepId}' with a run script`);
  return step.run;
}

describe('lab matrix on real labs', () => {
  // The boxes first, under the hook's budget: a test then times what it runs, not a box build.
  beforeAll(async () => {
    const base = loadLab(join(ROOT, 'lab.yaml'));
    for (const suite of ['bookworm', 'trixie'] as const)
      await ensureBox({ ...base, suite, boxes: { lxc: `docker-lab/${suite}` } }, 'lxc', (line) => console.log(`[matrix boxes] ${line}`));
  });

  it("runs as the CI workflow does: two shards side by side, then one merged table equal to the shards' union", async () => {
    const out = mkdtempSync(join(tmpdir(), 'matrix-ci-'));
    // The workflow's variables for a two-version, three-scenario matrix cut in two. The run id also seeds the
    // shuffle: 'e2e-1' has bookworm run custom-bridge (a root daemon) before overlay (a user's daemon), an
    // order that once failed, and neither in the order given.
    const env = {
      DOCKER: 'bookworm,trixie',
      SCENARIOS: 'custom-bridge,overlay,bridge',
      SHARD_COUNT: '2',
      OUT: out,
      CI: 'true',
      RUN_ID: 'e2e-1',
      GITHUB_STEP_SUMMARY: join(out, 'summary.md'),
    };
    const bash = (script: string, more: Record<string, string> = {}) =>
      execa('bash', ['-e', '-c', script], { cwd: ROOT, env: { ...env, ...more }, reject: false, all: true });

    const shards = await Promise.all(['1', '2'].map((k) => bash(workflowScript('shard'), { SHARD_INDEX: k })));
    for (const r of shards) expect(r.exitCode, r.all).toBe(0);
    expect(shards[0]!.all).toContain('shard 1/2 runs bookworm: custom-bridge, overlay, bridge');
    expect(shards[1]!.all).toContain('shard 2/2 runs trixie: custom-bridge, overlay, bridge');

    const ran = (k: string) =>
      (JSON.parse(readFileSync(join(out, `shard-${k}`, 'results.json'), 'utf8')) as { scenarios: { name: string; startedAt: string }[] }).scenarios
        .sort((x, y) => x.startedAt.localeCompare(y.startedAt))
        .map((r) => r.name.split(' ')[0]);
    expect(ran('1')).toEqual(['bridge', 'custom-bridge', 'overlay']);

    const merge = await bash(workflowScript('merge'));
    expect(merge.exitCode, merge.all).toBe(0);
    const merged = join(out, 'merged');
    const cells = matrixJson(merged).cells;
    // Order does not matter any more, and the trixie node pings without root.
    for (const scenario of ['custom-bridge', 'overlay', 'bridge']) expect(at(cells, scenario, 'bookworm')?.status, scenario).toBe('passed');
    expect(at(cells, 'custom-bridge', 'trixie')?.status).toBe('passed');
    expect(at(cells, 'bridge', 'trixie')?.status).toBe('passed');
    // One row for the overlay lesson: the course's etcd way where Docker still has the cluster store, swarm mode on 26.
    expect(at(cells, 'overlay', 'bookworm')).toMatchObject({ variant: 'etcd' });
    expect(at(cells, 'overlay', 'trixie')).toMatchObject({ status: 'passed', variant: 'swarm' });
    // The version comes from the daemon, not from the table of suites.
    expect(matrixJson(merged).columns).toEqual([expect.stringMatching(/^bookworm 20\.10\.24/), expect.stringMatching(/^trixie 26\.1\.5/)]);

    // The merged table is the one the shards' own results make together (each shard rendered only its column).
    const parts = ['1', '2'].map((k) => matrixJson(join(out, `shard-${k}`)));
    const union = renderTable(
      parts.flatMap((p) => p.cells),
      parts.flatMap((p) => p.columns),
      env.SCENARIOS.split(','),
    );
    const table = readFileSync(join(merged, 'matrix.md'), 'utf8');
    expect(table).toBe(union);
    expect(readFileSync(env.GITHUB_STEP_SUMMARY, 'utf8')).toContain(table);
    expect(readFileSync(join(merged, 'junit.xml'), 'utf8')).toMatch(/bridge \[trixie 26\.1\.5/);
    expect(await matrixLabs()).toEqual([]);
  });

  it("with --ignore-requires, runs the lesson's own etcd way on 26.1 and shows the daemon refusing --cluster-store", async () => {
    const out = mkdtempSync(join(tmpdir(), 'matrix-'));
    const r = await lab('matrix', '--docker', 'trixie', '--scenario', 'overlay', '--ignore-requires', '--out', out);
    expect(r.exitCode, r.all).toBe(1);
    const cell = at(matrixJson(out).cells, 'overlay', 'trixie')!;
    expect(cell.status).toBe('failed');
    expect(cell.detail).toMatch(/dockerd with the cluster store.*cluster-store/);
    expect(await matrixLabs()).toEqual([]);
  });
});
