/**
 * Does KVM really run a guest here, with the CPU model the lab's guests will have? A /dev/kvm that exists proves
 * nothing: on some hosts QEMU boots a guest with its default CPU model and fails with the host's (an MSR it
 * cannot set), or hangs at boot. So the probe boots the smallest guest there is, a boot sector that writes one
 * byte to QEMU's isa-debug-exit port, under KVM alone (no fallback to emulation) and with the caller's CPU
 * model, and waits a few seconds for QEMU's exit code to carry that byte back.
 */
import { constants } from 'node:fs';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { hasCommand } from './probe.js';
import type { Usability } from './usability.js';

const QEMU = 'qemu-system-x86_64';
const DEBUG_EXIT_PORT = 0xf4;
const MARK = 0x2a;
/** QEMU exits with (value << 1) | 1 when the guest writes a value to isa-debug-exit. */
export const GUEST_RAN_EXIT = (MARK << 1) | 1;
/** A guest that boots under KVM reaches its first instruction in well under a second; a hang is a finding. */
const BOOT_LIMIT_MS = 8_000;

/** A 512-byte MBR: `mov al, MARK; out DEBUG_EXIT_PORT, al; cli; hlt`, then the boot signature. */
export function bootSector(): Buffer {
  const sector = Buffer.alloc(512);
  Buffer.from([0xb0, MARK, 0xe6, DEBUG_EXIT_PORT, 0xfa, 0xf4]).copy(sector);
  sector[510] = 0x55;
  sector[511] = 0xaa;
  return sector;
}

type Accelerator = 'kvm' | 'tcg';

/** `cpu` is QEMU's `-cpu` model: the probe must ask for the one the real guests get, or it proves another CPU. */
export function qemuArgs(image: string, accel: Accelerator, cpu: string): string[] {
  return [
    '-accel',
    accel,
    '-cpu',
    cpu,
    '-machine',
    'pc',
    '-nodefaults',
    '-display',
    'none',
    '-no-reboot',
    '-m',
    '16',
    '-device',
    `isa-debug-exit,iobase=${DEBUG_EXIT_PORT},iosize=1`,
    '-drive',
    `file=${image},format=raw,if=ide`,
  ];
}

interface GuestRun {
  exitCode: number | undefined;
  timedOut: boolean;
  stderr: string;
}

/** What a run of the probe guest says about the accelerator. Pure. */
export function judgeGuestRun(run: GuestRun, accel: string): Usability {
  if (run.exitCode === GUEST_RAN_EXIT) return { ok: true };
  if (run.timedOut) return { ok: false, why: `a guest under ${accel} did not reach its first instruction within ${BOOT_LIMIT_MS / 1000} s (it hangs at boot)` };
  const said = run.stderr.trim().split('\n').filter(Boolean).slice(-2).join(' / ');
  return { ok: false, why: `a guest under ${accel} failed to start (QEMU exit ${run.exitCode ?? '?'}${said ? `: ${said}` : ''})` };
}

/** Boots the probe guest with the given accelerator and CPU. `tcg` is QEMU's emulation, which proves the guest itself. */
export async function runProbeGuest(accel: Accelerator, cpu: string): Promise<Usability> {
  const dir = await mkdtemp(join(tmpdir(), 'docker-lab-kvm-'));
  try {
    const image = join(dir, 'boot.img');
    await writeFile(image, bootSector());
    const r = await execa(QEMU, qemuArgs(image, accel, cpu), { reject: false, timeout: BOOT_LIMIT_MS, stdin: 'ignore' });
    return judgeGuestRun({ exitCode: r.exitCode, timedOut: r.timedOut, stderr: String(r.stderr) }, `${accel} with CPU model ${cpu}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Once per process and CPU model: `doctor` asks both for usability and for the preflight, and the machine does not change. */
const verdicts = new Map<string, Promise<Usability>>();

/** Whether KVM runs a guest with QEMU's CPU model `cpu` here. */
export function kvmRuns(cpu: string): Promise<Usability> {
  const verdict = verdicts.get(cpu) ?? probeKvm(cpu);
  verdicts.set(cpu, verdict);
  return verdict;
}

async function probeKvm(cpu: string): Promise<Usability> {
  try {
    await access('/dev/kvm', constants.R_OK | constants.W_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return {
      ok: false,
      why: code === 'ENOENT' ? 'no /dev/kvm (hardware virtualization is off, or not passed to this machine)' : `/dev/kvm cannot be opened (${code})`,
    };
  }
  if (!(await hasCommand(QEMU))) return { ok: false, why: `${QEMU} is missing (apt-get install --no-install-recommends qemu-system-x86)` };
  return runProbeGuest('kvm', cpu);
}
