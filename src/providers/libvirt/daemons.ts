/**
 * libvirt's daemons on a host without systemd: started by the first libvirt lab that finds them down, stopped
 * (by the PIDs recorded then) when the last libvirt lab is down, so that the host ends as it was. A host whose
 * daemons were already running keeps them. The record lives in /run: a reboot forgets it with the daemons.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { z } from 'zod';
import { FailureError } from '../../errors.js';
import { withFileLock } from '../../host/file-lock.js';
import { hasLibvirtChains, removeLibvirtChains } from './firewall.js';
import { libvirtdAnswers } from './virsh.js';

const STATE_DIR = process.env.DOCKER_LAB_RUN_DIR ?? '/run/docker-lab';
const STATE_FILE = `${STATE_DIR}/libvirt-host.json`;

const Daemon = z.enum(['virtlogd', 'libvirtd']);
type Daemon = z.infer<typeof Daemon>;
/** virtlogd first: libvirtd hands every domain's console to it. */
const DAEMONS: readonly Daemon[] = ['virtlogd', 'libvirtd'];

const HostRecord = z.object({
  /** Labs up on libvirt that rely on the daemons. */
  labs: z.array(z.string()),
  /** Daemons docker-lab started, with their PIDs: only these are ever stopped. */
  started: z.array(z.object({ daemon: Daemon, pid: z.number().int().positive() })),
  /** Whether libvirt's iptables chains were there before docker-lab started libvirtd (then they are not ours). */
  chainsBefore: z.boolean(),
});
type HostRecord = z.infer<typeof HostRecord>;

const EMPTY: HostRecord = { labs: [], started: [], chainsBefore: true };

async function readRecord(): Promise<HostRecord> {
  const text = await readFile(STATE_FILE, 'utf8').catch(() => null);
  return text === null ? { ...EMPTY } : HostRecord.parse(JSON.parse(text));
}

async function writeRecord(record: HostRecord): Promise<void> {
  if (record.labs.length === 0 && record.started.length === 0) await rm(STATE_FILE, { force: true });
  else await writeFile(STATE_FILE, `${JSON.stringify(record, null, 2)}\n`);
}

/** One docker-lab process at a time changes the record (two labs coming up together start the daemons once). */
async function withRecord<T>(fn: (record: HostRecord) => Promise<T>): Promise<T> {
  await mkdir(STATE_DIR, { recursive: true });
  return withFileLock({ lockPath: `${STATE_FILE}.lock` }, async () => {
    const record = await readRecord();
    const result = await fn(record);
    await writeRecord(record);
    return result;
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function pidOf(daemon: Daemon): Promise<number | null> {
  const text = await readFile(`/run/${daemon}.pid`, 'utf8').catch(() => '');
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : null;
}

async function running(daemon: Daemon): Promise<boolean> {
  return daemon === 'libvirtd' ? libvirtdAnswers() : (await pidOf(daemon)) !== null;
}

async function start(daemon: Daemon, log: (l: string) => void): Promise<number> {
  log(`starting ${daemon} (no init system runs it here; stopped again when the last libvirt lab is down)`);
  // `-d` forks into the background and writes /run/<daemon>.pid; the parent's exit says whether it started.
  const r = await execa(daemon, ['-d'], { reject: false, stdin: 'ignore', all: true });
  if (r.exitCode !== 0) throw new FailureError(`${daemon} did not start: ${String(r.all).trim()}`);
  for (let i = 0; i < 100; i++) {
    const pid = await pidOf(daemon);
    if (pid !== null && (await running(daemon))) return pid;
    await sleep(100);
  }
  throw new FailureError(`${daemon} started but never answered (see its log under /var/log/libvirt)`);
}

/** Makes sure both daemons run, and counts the lab among their users. */
export async function holdDaemons(labName: string, log: (l: string) => void): Promise<void> {
  await withRecord(async (record) => {
    // Looked at before anything starts: once libvirtd runs, its chains are there whoever made them.
    if (record.started.length === 0 && !(await running('libvirtd'))) record.chainsBefore = await hasLibvirtChains();
    for (const daemon of DAEMONS) {
      if (await running(daemon)) continue;
      record.started = record.started.filter((s) => s.daemon !== daemon);
      record.started.push({ daemon, pid: await start(daemon, log) });
    }
    if (!record.labs.includes(labName)) record.labs.push(labName);
  });
}

/**
 * The lab no longer needs the daemons. When it was the last, the daemons docker-lab started are stopped, and
 * libvirt's iptables chains removed if the host had none before.
 */
export async function releaseDaemons(labName: string, log: (l: string) => void): Promise<void> {
  await withRecord(async (record) => {
    record.labs = record.labs.filter((l) => l !== labName);
    if (record.labs.length > 0 || record.started.length === 0) return;
    // libvirtd first, so that it never finds virtlogd gone under a domain.
    for (const { daemon, pid } of [...record.started].reverse()) {
      if (!alive(pid)) continue;
      log(`stopping ${daemon} (pid ${pid}), which the lab started`);
      process.kill(pid, 'SIGTERM');
      for (let i = 0; i < 300 && alive(pid); i++) await sleep(100);
      if (alive(pid)) throw new FailureError(`${daemon} (pid ${pid}) did not stop within 30 s of SIGTERM`);
    }
    record.started = [];
    if (!record.chainsBefore) await removeLibvirtChains(log);
    record.chainsBefore = true;
  });
}
