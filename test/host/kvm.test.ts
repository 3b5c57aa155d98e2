import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { bootSector, GUEST_RAN_EXIT, judgeGuestRun, qemuArgs, runProbeGuest } from '../../src/host/kvm.js';
import { GUEST_CPU, kvmRunsLabGuests } from '../../src/providers/libvirt/driver-choice.js';

describe('the KVM probe', () => {
  it('is a bootable sector: the boot signature in its last two bytes', () => {
    const s = bootSector();
    expect(s.length).toBe(512);
    expect([s[510], s[511]]).toEqual([0x55, 0xaa]);
  });

  it("boots for real: under QEMU's emulation the guest reaches its first instruction and says so", async () => {
    // The same guest and QEMU line as under KVM, with the accelerator every host has: proves the probe itself,
    // with the CPU model the lab's emulated domains get.
    expect(await runProbeGuest('tcg', GUEST_CPU.qemu.qemu)).toEqual({ ok: true });
  });

  it("asks QEMU for the CPU model it is given, and the lab's KVM probe gives the one its domains get", () => {
    const args = qemuArgs('/x.img', 'kvm', GUEST_CPU.kvm.qemu);
    expect(args.slice(args.indexOf('-cpu'), args.indexOf('-cpu') + 2)).toEqual(['-cpu', 'host']);
    expect(args.slice(args.indexOf('-accel'), args.indexOf('-accel') + 2)).toEqual(['-accel', 'kvm']);
  });

  it("says of this machine what a direct QEMU run with the lab's CPU says", async () => {
    const verdict = await kvmRunsLabGuests();
    if (!existsSync('/dev/kvm')) {
      expect(verdict).toEqual({ ok: false, why: 'no /dev/kvm (hardware virtualization is off, or not passed to this machine)' });
      return;
    }
    // A machine with /dev/kvm: the same boot sector under KVM with the host's CPU, run here without the probe.
    const image = `${await mkdtemp('/tmp/kvm-test-')}/boot.img`;
    await writeFile(image, bootSector());
    const direct = await execa('qemu-system-x86_64', qemuArgs(image, 'kvm', 'host'), { reject: false, timeout: 8_000, stdin: 'ignore' });
    expect(verdict.ok).toBe(direct.exitCode === GUEST_RAN_EXIT);
  });

  it('tells a hang and a refusal apart, in words a user can act on', () => {
    expect(judgeGuestRun({ exitCode: GUEST_RAN_EXIT, timedOut: false, stderr: '' }, 'kvm')).toEqual({ ok: true });
    const hang = judgeGuestRun({ exitCode: undefined, timedOut: true, stderr: '' }, 'kvm');
    expect(hang.ok || hang.why).toMatch(/did not reach its first instruction .* hangs at boot/);
    const msr = judgeGuestRun(
      { exitCode: 1, timedOut: false, stderr: 'qemu-system-x86_64: error: failed to set MSR 0x48f to 0x7fffff00036dfb\nAssertion failed' },
      'kvm',
    );
    expect(msr.ok || msr.why).toMatch(/failed to start \(QEMU exit 1: .*failed to set MSR/);
  });
});
