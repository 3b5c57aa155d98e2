/**
 * `npm run bench [-- --lab FILE] [--steps N] [--scenarios a,b]`: measured side by side in one run on warm
 * nodes of a lab that is up. With `--labs N [--jobs J]`, many labs on one host instead (bench/labs.ts).
 *  1. Per-step overhead: the engine running a `true` step (N times, through the real loader and runner; in a
 *     scenario and back to back) against a fresh `ssh -F <ssh-config> node true` and `vagrant ssh node -c
 *     true`. Medians and ratios.
 *  2. Wall time of each scenario.
 * Nothing here asserts a time: it reports.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { loadLab } from '../src/lab/model.js';
import { benchLabs } from './labs.js';
import { cachedTargets, sshConfigPath } from '../src/lifecycle/targets.js';
import { SCENARIOS_DIR } from '../src/paths.js';
import { runScenarios } from '../src/run/scenarios.js';
import { listScenarios, loadScenario } from '../src/scenario/catalog.js';
import { leafResults } from '../src/scenario/results.js';
import { SshPool } from '../src/ssh/pool.js';

const { values } = parseArgs({
  options: { lab: { type: 'string' }, steps: { type: 'string' }, scenarios: { type: 'string' }, 'ssh-runs': { type: 'string' }, 'vagrant-runs': { type: 'string' }, labs: { type: 'string' }, jobs: { type: 'string' } },
});
const lab = loadLab(resolve(values.lab ?? 'lab.yaml'));
// Many labs is a run of its own: it brings its labs up and down itself.
if (values.labs) process.exit(await benchLabs(lab, Number(values.labs), Number(values.jobs ?? 4)));
const cached = await cachedTargets(lab);
if (!cached) {
  console.error(`lab ${lab.name} is not up: run \`npm run up\` first`);
  process.exit(2);
}
const targets = cached;
const node = lab.nodes[0]!.name;
const steps = Number(values.steps ?? 200);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const ms = (x: number) => `${x < 10 ? x.toFixed(2) : x.toFixed(0)} ms`;

async function timed(cmd: string, args: string[], env: Record<string, string> = {}): Promise<number> {
  const t0 = performance.now();
  await execa(cmd, args, { env, stdin: 'ignore' });
  return performance.now() - t0;
}

// 1. The engine: N `true` steps, each step's duration as the runner measured it. Back to back, every step
//    waits for a bash to start; in a scenario the next bash starts while the step before it runs, which the
//    second series shows with a short `sleep` step before each `true`.
const dir = mkdtempSync(join(tmpdir(), 'docker-lab-bench-'));
async function trueSteps(label: string, before: string | null): Promise<number[]> {
  const file = join(dir, `${label}.yaml`);
  const step = (i: number) => [...(before ? [`  - { name: "before ${i}", on: ${node}, run: "${before}" }`] : []), `  - { name: "true ${i}", on: ${node}, run: "true" }`];
  writeFileSync(file, [`name: ${label}`, 'description: N times `true` on one node', 'steps:', ...Array.from({ length: steps }, (_, i) => step(i)).flat()].join('\n'));
  const run = await runScenarios([loadScenario(file, { scenariosDir: SCENARIOS_DIR, lab })], { lab, targets, quiet: true, runDir: join(dir, 'runs') });
  return leafResults(run.results[0]!.steps)
    .filter((s) => s.name.startsWith('true '))
    .map((s) => s.durationMs);
}
const backToBack = await trueSteps('back-to-back', null);
const inScenario = await trueSteps('in-a-scenario', 'sleep 0.05');

const sshRuns = Number(values['ssh-runs'] ?? 30);
const ssh: number[] = [];
for (let i = 0; i < sshRuns; i++) ssh.push(await timed('ssh', ['-F', sshConfigPath(lab), node, 'true']));

const vagrantRuns = Number(values['vagrant-runs'] ?? 5);
const vagrant: number[] = [];
for (let i = 0; i < vagrantRuns; i++) vagrant.push(await timed('vagrant', ['ssh', node, '-c', 'true'], { VAGRANT_CWD: lab.dir, VAGRANT_CHECKPOINT_DISABLE: '1' }));

// The floor under every step: starting `bash -c true` on the node, timed on the node itself.
const floor = await (async () => {
  const pool = await SshPool.open(targets.filter((t) => t.node === node));
  try {
    const r = await pool.session(node).exec('TIMEFORMAT=%R; time (for i in $(seq 100); do bash -c true; done)', { timeoutMs: 60_000 });
    return Number(r.stderr.trim()) * 10; // seconds for 100 -> ms for one
  } finally {
    await pool.close();
  }
})();

const e = median(inScenario);
const b = median(backToBack);
const ratios = (x: number) => `${(median(ssh) / x).toFixed(0)}x faster than ssh, ${(median(vagrant) / x).toFixed(0)}x than vagrant ssh`;
console.log(`\nper-step overhead on ${node} (lab ${lab.name}), medians:`);
console.log(`  docker-lab step, in a scenario     ${ms(e).padStart(10)}   n=${inScenario.length}   ${ratios(e)}`);
console.log(`  docker-lab step, back to back      ${ms(b).padStart(10)}   n=${backToBack.length}   ${ratios(b)}`);
console.log(`    (starting bash on the node: ${ms(floor)}, mean of 100 timed there)`);
console.log(`  ssh -F ssh-config node true        ${ms(median(ssh)).padStart(10)}   n=${ssh.length}`);
console.log(`  vagrant ssh node -c true           ${ms(median(vagrant)).padStart(10)}   n=${vagrant.length}`);
console.log(`  targets: step <= 10 ms, >= 25x faster than ssh, >= 200x faster than vagrant ssh`);

// 2. Scenario wall times on warm nodes.
const names = values.scenarios ? values.scenarios.split(',') : listScenarios(SCENARIOS_DIR).filter((s) => !s.problem && s.name !== 'sample').map((s) => s.name);
console.log('\nscenario wall time on warm nodes:');
const course0 = performance.now();
for (const name of names) {
  const t0 = performance.now();
  const r = await runScenarios([loadScenario(name, { scenariosDir: SCENARIOS_DIR, lab })], { lab, targets, quiet: true, runDir: join(dir, 'runs') });
  const s = r.results[0]!;
  console.log(`  ${name.padEnd(22)} ${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s   ${s.status}${s.reason ? ` (${s.reason})` : ''}`);
}
console.log(`  ${'all of them'.padEnd(22)} ${((performance.now() - course0) / 1000).toFixed(1).padStart(6)} s`);
