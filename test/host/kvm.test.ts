import { describe, expect, it } from 'vitest';
import { bootSector, GUEST_RAN_EXIT, judgeGuestRun, runProbeGuest } from '../../src/host/kvm.js';

describe('the KVM probe', () => {
  it('is a bootable sector: the boot signature in its last two bytes', () => {
    const s = bootSector();
    expect(s.length).toBe(512);
    expect([s[510], s[511]]).toEqual([0x55, 0xaa]);
  });

  it("boots for real: under QEMU's emulation the guest reaches its first instruction and says so", async () => {
    // The same guest and QEMU line as under KVM, with the accelerator every host has: proves the probe itself.
    expect(await runProbeGuest('tcg')).toEqual({ ok: true });
  });

  it('tells a hang and a refusal apart, in words a user can act on', () => {
    expect(judgeGuestRun({ exitCode: GUEST_RAN_EXIT, timedOut: false, stderr: '' }, 'kvm')).toEqual({ ok: true });
    const hang = judgeGuestRun({ exitCode: undefined, timedOut: true, stderr: '' }, 'kvm');
    expect(hang.ok || hang.why).toMatch(/did not reach its first instruction .* hangs at boot/);
    const msr = judgeGuestRun({ exitCode: 1, timedOut: false, stderr: 'qemu-system-x86_64: error: failed to set MSR 0x48f to 0x7fffff00036dfb\nAssertion failed' }, 'kvm');
    expect(msr.ok || msr.why).toMatch(/failed to start \(QEMU exit 1: .*failed to set MSR/);
  });
});
