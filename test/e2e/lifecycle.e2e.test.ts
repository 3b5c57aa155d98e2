/**
 * Faults at the lab's doors, on real Vagrant + LXC: bad input is refused before anything is made, and a
 * signal during `up` or `down` ends with the signal's exit code and, after `down`, nothing of the lab on the
 * host. The lab (dlab-lf, 192.168.216.0/24) is this file's own.
 */
import { mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bridgeName } from '../../src/providers/lxc/naming.js';
import { type E2eLab, e2eLab, leftovers, lxcContainers, ROOT, waitFor } from '../support/e2e.js';

const DIR = '/var/tmp/docker-lab-lf';
const lab = e2eLab('dlab-lf', DIR, '192.168.216');
const NODES = 'docker-node1, docker-node2';

/** The same lab name in another folder, with lab.yaml changed: whatever it wrongly made shows up as the lab's. */
const variant = (folder: string, edit: (text: string) => string): E2eLab => e2eLab(lab.name, join(DIR, folder), lab.subnet, edit);

type Run = Awaited<ReturnType<E2eLab['run']>>;

async function expectGone(): Promise<void> {
  expect(await leftovers(lab)).toEqual([]);
}

/** The lab's record went with the first `down`: a second one, on a machine with several providers, picks none. */
async function expectSecondDownIdle(): Promise<void> {
  const again = await lab.run('down');
  expect(again.exitCode, again.all).toBe(0);
  expect(again.all).toContain(`lab ${lab.name} is not up from ${lab.dir}: nothing to do`);
  expect(again.all).not.toContain('vagrant destroy');
}

/** Refused at the door: exit 2, and neither the lab nor anything of it was made. */
async function expectRefused(r: Run, where: E2eLab): Promise<void> {
  expect(r.exitCode, r.all).toBe(2);
  expect(r.all).not.toContain('vagrant up (');
  expect(await leftovers(where)).toEqual([]);
}

/** Starts `up` and sends `sig` once Vagrant has made the lab's first container: rollback has work to do. */
async function interruptUp(sig: 'SIGINT' | 'SIGTERM'): Promise<Run> {
  const child = lab.start('up', '--provider', 'lxc');
  await waitFor(
    'a container of the lab',
    async () => (await lxcContainers(`${lab.name}-`)).length > 0,
    () => child.exitCode !== null,
  );
  interrupt(child, sig);
  return child;
}

/** Starts `down` on the running lab and sends `sig` once `vagrant destroy` is under way. */
async function interruptDown(sig: 'SIGINT' | 'SIGTERM'): Promise<Run> {
  const up = await lab.run('up', '--provider', 'lxc');
  expect(up.exitCode, up.all).toBe(0);
  const child = lab.start('down');
  let out = '';
  child.all?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  await waitFor(
    'vagrant destroy at work',
    () => /Destroying VM/.test(out),
    () => child.exitCode !== null,
  );
  interrupt(child, sig);
  return child;
}

/**
 * Ctrl-C goes to the terminal's whole foreground group; a plain `kill` (SIGTERM) to the process alone. Not
 * execa's kill(): it follows up with SIGKILL after a few seconds, before a rollback or a down could finish.
 */
function interrupt(child: ReturnType<E2eLab['start']>, sig: 'SIGINT' | 'SIGTERM'): void {
  process.kill(sig === 'SIGINT' ? -child.pid! : child.pid!, sig);
}

describe('lifecycle faults on real Vagrant + LXC', () => {
  beforeAll(async () => {
    await lab.run('down'); // a lab left behind by an interrupted run
    // This folder outlives checkouts: its Vagrantfile may name another checkout's provision script.
    const written = await lab.run('vagrantfile');
    expect(written.exitCode, written.all).toBe(0);
    await expectGone();
  });

  afterAll(async () => {
    await lab.run('down');
  });

  describe('bad input is refused before anything is made', () => {
    it('a box that is not installed and that docker-lab cannot build: file, line and field', async () => {
      const bad = variant('no-box', (t) => t.replace('lxc: docker-lab/bookworm', 'lxc: someone/no-such-box'));
      const r = await bad.run('up', '--provider', 'lxc');
      expect(r.stderr).toMatch(new RegExp(`${bad.file}:\\d+:\\d+ \\(boxes\\.lxc\\): box 'someone/no-such-box' is not installed`));
      await expectRefused(r, bad);
    });

    describe('a lab subnet already in use on the host', () => {
      const FOREIGN = 'dltest0';
      beforeAll(async () => {
        await execa('ip', ['link', 'del', FOREIGN], { reject: false }); // left by an interrupted run
        // A bridge, not a dummy: this kernel has no dummy driver. Either holds the address the same way.
        await execa('ip', ['link', 'add', FOREIGN, 'type', 'bridge']);
        await execa('ip', ['addr', 'add', '192.168.218.1/24', 'dev', FOREIGN]);
      });
      afterAll(async () => {
        await execa('ip', ['link', 'del', FOREIGN], { reject: false });
      });

      it('names the subnet field and the interface that holds it, even one that is down', async () => {
        const busy = variant('busy-subnet', (t) => t.replaceAll(`${lab.subnet}.`, '192.168.218.'));
        const r = await busy.run('up', '--provider', 'lxc');
        expect(r.stderr).toMatch(new RegExp(`${busy.file}:\\d+:\\d+ \\(network\\.subnet\\): the lab network 192\\.168\\.218\\.0/24 is already in use`));
        expect(r.stderr).toContain(`${FOREIGN} has 192.168.218.1/24`);
        await expectRefused(r, busy);
      });
    });

    it('a missing prerequisite: the tool and the command that installs it', async () => {
      // Every command of /usr/bin but vagrant (/bin is the same folder on Debian 12).
      const bin = mkdtempSync('/tmp/docker-lab-path-');
      for (const name of readdirSync('/usr/bin').filter((n) => n !== 'vagrant')) symlinkSync(join('/usr/bin', name), join(bin, name));
      const r = await execa(process.execPath, [join(ROOT, 'bin/lab.js'), 'up', '--provider', 'lxc', '--lab', lab.file], {
        reject: false,
        all: true,
        env: { CI: 'true', PATH: `${bin}:/usr/sbin:/sbin` },
        extendEnv: false,
      });
      rmSync(bin, { recursive: true });
      expect(r.stderr).toMatch(/missing prerequisites for lxc:\n {2}- vagrant\n {6}fix: sudo bash provision\/host\/install-prerequisites\.sh/);
      await expectRefused(r, lab);
    });
  });

  describe('a signal during up stops it; down then removes everything', () => {
    for (const [sig, code] of [
      ['SIGINT', 130],
      ['SIGTERM', 143],
    ] as const) {
      it(`${sig}: exit ${code}, the interrupted step named, Vagrant rolled back, then nothing left`, async () => {
        const r = await interruptUp(sig);
        expect(r.exitCode, r.all).toBe(code);
        expect(r.all).toContain(`${sig}: stopping and cleaning up`);
        expect(r.all).toContain(`interrupted: ${sig} interrupted step "vagrant up (${NODES})"`);
        expect(r.all).toContain(`lab down --lab ${lab.file}`);
        // One signal reached Vagrant, so it rolled back rather than quitting at once.
        expect(r.all).toContain('Vagrant exited after cleanup due to external interrupt');
        const down = await lab.run('down');
        expect(down.exitCode, down.all).toBe(0);
        await expectGone();
        await expectSecondDownIdle();
      });
    }
  });

  describe('a signal during down lets it finish', () => {
    for (const [sig, code] of [
      ['SIGINT', 130],
      ['SIGTERM', 143],
    ] as const) {
      it(`${sig}: every down step completes, then exit ${code}, and nothing is left`, async () => {
        const r = await interruptDown(sig);
        expect(r.exitCode, r.all).toBe(code);
        expect(r.all).toContain(`${sig}: finishing the cleanup first (again to quit at once)`);
        expect(r.all).toMatch(/✔ .*vagrant destroy/);
        expect(r.all).toContain(`removing host bridge ${bridgeName(lab)}`);
        expect(r.all).toMatch(/✔ .*clean the host/);
        expect(r.all).toMatch(/✔ .*forgot Vagrant's machines/);
        expect(r.all).toContain(`${sig}: the cleanup finished`);
        await expectGone();
        await expectSecondDownIdle();
      });
    }
  });
});
