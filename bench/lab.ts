/**
 * One lab that is up, measured on warm nodes:
 *  1. Per-step overhead: the engine running a `true` step (N times, through the real loader and runner; in a
 *     scenario and back to back) against a fresh `ssh -F <ssh-config> node true` and `vagrant ssh node -c
 *     true`, and the floor under them all: starting bash on the node, timed there.
 *  2. Wall time of each scenario, and of all of them in a row.
 * It measures and returns figures; printing them is report.ts's.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import type { Lab } from '../src/lab/model.js';
import { recordedProvider } from '../src/lifecycle/record.js';
import { sshConfigPath } from '../src/lifecycle/targets.js';
import { SCENARIOS_DIR } from '../src/paths.js';
import { runScenarios } from '../src/run/scenarios.js';
import { loadLesson } from '../src/scenario/lesson.js';
import { leafResults } from '../src/scenario/results.js';
import { SshPool } from '../src/ssh/pool.js';
import type { SshTarget } from '../src/ssh/target.js';
import { median } from './report.js';

export interface LabFigures {
  lab: string;
  provider: string;
  node: string;
  /** Medians, in ms. */
  step: { inScenario: number; backToBack: number; bashStart: number; ssh: number; vagrantSsh: number };
  samples: { steps: number; ssh: number; vagrantSsh: number };
  scenarios: { name: string; seconds: number; status: string; reason?: string }[];
  /** All the scenarios in a row, in seconds. */
  course: number;
}

export interface BenchOptions {
  steps: number;
  sshRuns: number;
  vagrantRuns: number;
  scenarios: readonly string[];
}

async function timed(cmd: string, args: string[], env: Record<string, string> = {}): Promise<number> {
  const t0 = performance.now();
  await execa(cmd, args, { env, stdin: 'ignore' });
  return performance.now() - t0;
}

async function repeat(n: number, once: () => Promise<number>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await once());
  return out;
}

export async function benchLab(lab: Lab, targets: readonly SshTarget[], opts: BenchOptions): Promise<LabFigures> {
  const node = lab.nodes[0]!.name;
  const dir = mkdtempSync(join(tmpdir(), 'docker-lab-bench-'));
  try {
    const run = (file: string) =>
      runScenarios([loadLesson(file, { scenariosDir: SCENARIOS_DIR, lab })], { lab, targets: [...targets], quiet: true, runDir: join(dir, 'runs') });

    // Back to back, every step waits for a bash to start; in a scenario the next bash starts while the step
    // before it runs, which the second series shows with a short `sleep` step before each `true`.
    async function trueSteps(label: string, before: string | null): Promise<number[]> {
      const file = join(dir, `${label}.yaml`);
      const step = (i: number) => [
        ...(before ? [`  - { name: "before ${i}", on: ${node}, run: "${before}" }`] : []),
        `  - { name: "true ${i}", on: ${node}, run: "true" }`,
      ];
      writeFileSync(
        file,
        [`name: ${label}`, 'description: N times `true` on one node', 'steps:', ...Array.from({ length: opts.steps }, (_, i) => step(i)).flat()].join('\n'),
      );
      const r = await run(file);
      return leafResults(r.results[0]!.steps)
        .filter((s) => s.name.startsWith('true '))
        .map((s) => s.durationMs);
    }
    const backToBack = await trueSteps('back-to-back', null);
    const inScenario = await trueSteps('in-a-scenario', 'sleep 0.05');
    const ssh = await repeat(opts.sshRuns, () => timed('ssh', ['-F', sshConfigPath(lab), node, 'true']));
    const vagrant = await repeat(opts.vagrantRuns, () =>
      timed('vagrant', ['ssh', node, '-c', 'true'], { VAGRANT_CWD: lab.dir, VAGRANT_CHECKPOINT_DISABLE: '1' }),
    );
    const pool = await SshPool.open(targets.filter((t) => t.node === node));
    let bashStart: number;
    try {
      const r = await pool.session(node).exec('TIMEFORMAT=%R; time (for i in $(seq 100); do bash -c true; done)', { timeoutMs: 300_000 });
      bashStart = Number(r.stderr.trim()) * 10; // seconds for 100 -> ms for one
    } finally {
      await pool.close();
    }

    const scenarios: LabFigures['scenarios'] = [];
    const course0 = performance.now();
    for (const name of opts.scenarios) {
      const t0 = performance.now();
      const s = (await run(name)).results[0]!;
      scenarios.push({ name, seconds: (performance.now() - t0) / 1000, status: s.status, ...(s.reason ? { reason: s.reason } : {}) });
    }
    return {
      lab: lab.name,
      provider: (await recordedProvider(lab)) ?? 'unknown',
      node,
      step: { inScenario: median(inScenario), backToBack: median(backToBack), bashStart, ssh: median(ssh), vagrantSsh: median(vagrant) },
      samples: { steps: inScenario.length, ssh: ssh.length, vagrantSsh: vagrant.length },
      scenarios,
      course: (performance.now() - course0) / 1000,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
