/**
 * `npm run bench [-- --lab FILE ...] [--steps N] [--scenarios a,b]`: measured side by side in one run on warm
 * nodes of labs that are up (bench/lab.ts), one column per lab: give `--lab` twice to see a libvirt lab beside
 * an LXC one. With `--labs N [--jobs J]`, many labs on one host instead (bench/labs.ts); with `--targets`, the speed
 * targets of a fresh machine, the course and the four-engine matrix, on a lab that is down (bench/targets.ts);
 * with `--images [--suite S]`, the course images built with debootstrap and with mmdebstrap (bench/images.ts).
 * With `--web` and/or `--web-labs N [--jobs J]`, `lab web` in Chromium: one lab's page, a class's N pages at once
 * (bench/web.ts; `--web-runs`, `--web-keys`). All but `--labs` and the web's end with the build times docker-lab
 * recorded for its boxes and images, one beside the other.
 * Nothing here asserts a time: it reports.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadLab } from '../src/lab/model.js';
import { requireTargets } from '../src/lifecycle/targets.js';
import { SCENARIOS_DIR } from '../src/paths.js';
import { listScenarios } from '../src/scenario/catalog.js';
import { benchImages, recordedBuilds } from './images.js';
import { benchLab, type LabFigures } from './lab.js';
import { benchLabs } from './labs.js';
import { renderBench, renderRecordedBuilds } from './report.js';
import { benchTargets } from './targets.js';
import { benchWeb } from './web.js';

const { values } = parseArgs({
  options: {
    lab: { type: 'string', multiple: true },
    steps: { type: 'string' },
    scenarios: { type: 'string' },
    'ssh-runs': { type: 'string' },
    'vagrant-runs': { type: 'string' },
    labs: { type: 'string' },
    jobs: { type: 'string' },
    targets: { type: 'boolean' },
    images: { type: 'boolean' },
    suite: { type: 'string' },
    web: { type: 'boolean' },
    'web-labs': { type: 'string' },
    'web-runs': { type: 'string' },
    'web-keys': { type: 'string' },
  },
});
const labs = (values.lab ?? ['lab.yaml']).map((file) => loadLab(resolve(file)));
if (values.images) process.exit(await benchImages(values.suite ?? labs[0]!.suite));
// Many labs is a run of its own: it brings its labs up and down itself.
if (values.labs) process.exit(await benchLabs(labs[0]!, Number(values.labs), Number(values.jobs ?? 4)));
// So is the class of `--web-labs`, stamped from the last lab given; `--web` measures the first.
if (values.web || values['web-labs'])
  process.exit(
    await benchWeb({
      one: values.web ? labs[0]! : null,
      many: values['web-labs'] ? { base: labs.at(-1)!, count: Number(values['web-labs']), jobs: Number(values.jobs ?? 4) } : null,
      runs: Number(values['web-runs'] ?? 5),
      keys: Number(values['web-keys'] ?? 100),
    }),
  );

const scenarios = values.scenarios
  ? values.scenarios.split(',')
  : listScenarios(SCENARIOS_DIR)
      .filter((s) => !s.problem && s.name !== 'sample')
      .map((s) => s.name);
if (values.targets) process.exit(await benchTargets(labs[0]!, scenarios));

const opts = {
  steps: Number(values.steps ?? 200),
  sshRuns: Number(values['ssh-runs'] ?? 30),
  vagrantRuns: Number(values['vagrant-runs'] ?? 5),
  scenarios,
};
const figures: LabFigures[] = [];
for (const lab of labs) {
  const targets = await requireTargets(lab).catch((err: Error) => {
    console.error(err.message);
    process.exit(2);
  });
  console.log(`measuring lab ${lab.name} ...`);
  figures.push(await benchLab(lab, targets, opts));
}
console.log(`\n${renderBench(figures)}\n\n${renderRecordedBuilds(await recordedBuilds())}`);
