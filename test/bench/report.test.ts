import { describe, expect, it } from 'vitest';
import type { LabFigures } from '../../bench/lab.js';
import { type ImageBuildFigures, renderBench, renderImageBuilds, renderRecordedBuilds, renderTargets, type TargetFigures } from '../../bench/report.js';

const lxc: LabFigures = {
  lab: 'docker-lab',
  provider: 'lxc',
  node: 'docker-node1',
  step: { inScenario: 4, backToBack: 8, bashStart: 2, ssh: 200, vagrantSsh: 2000 },
  samples: { steps: 200, ssh: 30, vagrantSsh: 5 },
  scenarios: [
    { name: 'overlay', seconds: 20, status: 'passed' },
    { name: 'bridge', seconds: 5, status: 'passed' },
  ],
  course: 25,
};
const vm: LabFigures = {
  ...lxc,
  lab: 'dlab-vm',
  provider: 'libvirt',
  step: { inScenario: 40, backToBack: 80, bashStart: 30, ssh: 1000, vagrantSsh: 9000 },
  scenarios: [
    { name: 'overlay', seconds: 60, status: 'passed' },
    { name: 'bridge', seconds: 10, status: 'failed', reason: 'node reached no container' },
  ],
  course: 70,
};

describe('the bench report', () => {
  it('puts each lab in a column, later labs with their ratio to the first', () => {
    const lines = renderBench([lxc, vm]).split('\n');
    expect(lines.find((l) => l.includes('docker-lab (lxc)'))).toMatch(/docker-lab \(lxc\)\s+dlab-vm \(libvirt\)/);
    expect(lines.find((l) => l.includes('in a scenario'))).toMatch(/4\.00 ms\s+40 ms x10\.0$/);
    expect(lines.find((l) => l.includes('faster than ssh'))).toMatch(/50x\s+25x$/);
    expect(lines.find((l) => l.includes(' overlay '))).toMatch(/20\.0 s\s+60\.0 s x3\.0$/);
    expect(lines.find((l) => l.includes(' bridge '))).toMatch(/5\.0 s\s+10\.0 s failed \(node reached no container\) x2\.0$/);
    expect(lines.find((l) => l.includes('all of them'))).toMatch(/25\.0 s\s+70\.0 s x2\.8$/);
  });

  it('shows a scenario one lab did not run as a dash', () => {
    const out = renderBench([lxc, { ...vm, scenarios: [vm.scenarios[0]!] }]);
    expect(out.split('\n').find((l) => l.includes(' bridge '))).toMatch(/5\.0 s\s+-$/);
  });

  it('has no ratios with one lab', () => {
    expect(renderBench([lxc])).not.toMatch(/ x\d/);
  });
});

describe('the speed targets', () => {
  const figures: TargetFigures = {
    fresh: { up: 100, overlay: 20, ok: true },
    course: { seconds: 40, scenarios: 16, ok: true },
    matrix: { seconds: 300, engines: 4, cells: { passed: 54, skipped: 10, failed: 0 } },
  };
  const lineOf = (out: string, label: string) => out.split('\n').find((l) => l.includes(label));

  it('puts each figure beside its target, with the ratio, and says which are met', () => {
    const out = renderTargets(figures);
    expect(lineOf(out, 'fresh machine')).toMatch(/120\.0 s\s+90 s\s+x1\.33$/);
    expect(lineOf(out, 'box built from nothing')).toMatch(/100\.0 s$/);
    expect(lineOf(out, 'whole course')).toMatch(/\(16 scenarios\)\s+40\.0 s\s+45 s\s+x0\.89 met {3}all passed$/);
    expect(lineOf(out, '4 engines')).toMatch(/300\.0 s\s+120 s\s+x2\.50 {3}54 passed, 10 skipped, 0 failed$/);
  });

  it('says a run that failed did not reach its figure', () => {
    const out = renderTargets({ ...figures, fresh: { ...figures.fresh, ok: false }, course: { ...figures.course, ok: false } });
    expect(lineOf(out, 'fresh machine')).toMatch(/FAILED$/);
    expect(lineOf(out, 'whole course')).toMatch(/FAILED$/);
  });
});

describe('the images build report', () => {
  const figures: ImageBuildFigures = {
    suite: 'bookworm',
    tools: [
      {
        tool: 'debootstrap',
        images: [
          { image: 'python', seconds: 70, ok: true },
          { image: 'redis', seconds: 50, ok: true },
        ],
      },
      {
        tool: 'mmdebstrap',
        images: [
          { image: 'python', seconds: 35, ok: true },
          { image: 'redis', seconds: 25, ok: true },
        ],
      },
    ],
    recorded: [
      { what: 'box lxc-bookworm', seconds: 31.3 },
      { what: 'image bookworm-python', seconds: 28 },
    ],
  };
  const lineOf = (out: string, label: string) => out.split('\n').find((l) => l.startsWith(`  ${label}`));

  it("puts each tool in a column, with the first tool's time over the last one's", () => {
    const out = renderImageBuilds(figures);
    expect(lineOf(out, ' ')).toMatch(/debootstrap\s+mmdebstrap\s+debootstrap \/ mmdebstrap$/);
    expect(lineOf(out, 'python')).toMatch(/70\.0 s\s+35\.0 s\s+2\.00x$/);
    expect(lineOf(out, 'redis')).toMatch(/50\.0 s\s+25\.0 s\s+2\.00x$/);
    expect(lineOf(out, 'all of them')).toMatch(/120\.0 s\s+60\.0 s\s+2\.00x$/);
  });

  it('shows the recorded box and image build times beside each other', () => {
    const out = renderImageBuilds(figures);
    expect(lineOf(out, 'box lxc-bookworm')).toMatch(/31\.3 s$/);
    expect(lineOf(out, 'image bookworm-python')).toMatch(/28\.0 s$/);
  });

  it('gives no ratio where a build failed', () => {
    const failed = structuredClone(figures);
    failed.tools[1]!.images[1]!.ok = false;
    const out = renderImageBuilds(failed);
    expect(lineOf(out, 'redis')).toMatch(/50\.0 s\s+failed\s+-$/);
    expect(lineOf(out, 'all of them')).toMatch(/120\.0 s\s+failed\s+-$/);
    expect(lineOf(out, 'python')).toMatch(/2\.00x$/);
  });

  it('says when nothing was recorded yet', () => {
    expect(renderRecordedBuilds([])).toMatch(/none yet/);
  });
});
