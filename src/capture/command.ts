/**
 * `lab capture`: a pcap from a node's interface, streamed over SSH into a file or to stdout. The capture runs
 * on a channel of its own (its bytes are binary); Ctrl-C asks tcpdump to stop through the command runner, and
 * the file is closed only after the node has sent its last byte, so it ends on a whole packet.
 */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { finished } from 'node:stream/promises';
import { FailureError, InputError } from '../errors.js';
import type { Lab } from '../lab/model.js';
import { requireTargets } from '../lifecycle/targets.js';
import { parseDuration } from '../scenario/format/duration.js';
import { SshSession } from '../ssh/session.js';
import { type CaptureSpec, captureCommand, PID_LINE, packetsCaptured } from './remote.js';

interface CaptureOptions {
  node: string;
  iface: string;
  container?: string;
  netns?: string;
  filter?: string;
  count?: string;
  duration?: string;
  /** A file, or `-` for stdout (default: `<node>-<iface>.pcap`). */
  out?: string;
  signal?: AbortSignal;
}

/** Without --count or --duration a capture still ends: after this long. */
const DEFAULT_DURATION = '60s';

/** Checks the arguments before any node is asked (exit 2 on bad input). */
function checkCaptureOptions(lab: Lab, o: CaptureOptions): { node: string; spec: CaptureSpec; out: string } {
  if (!lab.nodes.some((n) => n.name === o.node))
    throw new InputError(`capture: no node '${o.node}' in ${lab.file} (its nodes: ${lab.nodes.map((n) => n.name).join(', ')})`);
  if (o.container !== undefined && o.netns !== undefined) throw new InputError('capture: --container and --netns exclude each other');
  const count = o.count === undefined ? undefined : Number(o.count);
  if (count !== undefined && (!Number.isInteger(count) || count < 1)) throw new InputError(`--count: '${o.count}' is not a whole number of at least 1`);
  const durationMs = parseDuration(o.duration ?? DEFAULT_DURATION);
  if (durationMs === null || durationMs <= 0) throw new InputError(`--duration: '${o.duration}' is not a positive duration such as 10s or 2m`);
  const where: CaptureSpec['where'] =
    o.container !== undefined ? { kind: 'container', name: o.container } : o.netns !== undefined ? { kind: 'netns', name: o.netns } : { kind: 'host' };
  return {
    node: o.node,
    spec: { iface: o.iface, where, durationMs, ...(count ? { count } : {}), ...(o.filter ? { filter: o.filter } : {}) },
    out: o.out ?? `${o.node}-${o.iface}.pcap`,
  };
}

export async function captureCommandLine(lab: Lab, options: CaptureOptions): Promise<number> {
  const { node, spec, out } = checkCaptureOptions(lab, options);
  // checkCaptureOptions made sure the node is the lab's, and a lab that is up has a target for each.
  const target = (await requireTargets(lab)).find((t) => t.node === node)!;
  const session = await SshSession.open(target, { readyTimeoutMs: 8_000 });
  try {
    const result = await capture(session, spec, out, options.signal);
    const where = out === '-' ? 'stdout' : out;
    console.error(`${result.packets ?? '?'} packets captured on ${node} ${spec.iface}, ${result.bytes} bytes to ${where}`);
    return 0;
  } finally {
    await session.close();
  }
}

export interface CaptureResult {
  bytes: number;
  packets: number | null;
}

/** Runs one capture to its end (count, duration, or `signal`), writing the pcap to `out` (`-`: stdout). */
export async function capture(session: SshSession, spec: CaptureSpec, out: string, signal?: AbortSignal): Promise<CaptureResult> {
  if (out !== '-') await mkdir(dirname(out), { recursive: true });
  const sink = out === '-' ? process.stdout : createWriteStream(out);
  const channel = await session.channel(captureCommand(spec));
  let stderr = '';
  let bytes = 0;
  let pid: number | null = null;
  let stopRequested = false;
  const stop = () => {
    if (stopRequested) return;
    stopRequested = true;
    if (pid === null) return channel.close(); // nothing captured yet: nothing to keep whole
    // By pid, through the runner: a signal request on the capture's channel would have to be honoured by sshd and
    // then relayed by sudo; a kill on the node depends on neither.
    session.exec(`sudo -n kill -INT ${pid}`, { timeoutMs: 10_000 }).catch(() => channel.close());
  };
  let listening = false;
  channel.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    // tcpdump's own "listening on" line: from here on, packets are caught (a test waits for this line).
    if (!listening && /listening on /.test(stderr)) {
      listening = true;
      console.error(`capturing on ${session.node} ${spec.iface}${spec.filter ? ` (${spec.filter})` : ''}`);
    }
    const m = pid === null ? PID_LINE.exec(stderr) : null;
    if (m) {
      pid = Number(m[1]);
      if (stopRequested) {
        stopRequested = false;
        stop();
      }
    }
  });
  channel.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    if (!sink.write(chunk)) {
      channel.pause();
      sink.once('drain', () => channel.resume());
    }
  });
  const exit = new Promise<{ code: number | null; signal?: string }>((resolve) => {
    channel.on('exit', (code: number | null, sig?: string) => resolve({ code, ...(sig ? { signal: sig } : {}) }));
    channel.on('close', () => resolve({ code: null }));
  });
  signal?.addEventListener('abort', stop, { once: true });
  const ended = await exit;
  await new Promise<void>((resolve) => (channel.readableEnded ? resolve() : channel.once('close', () => resolve())));
  signal?.removeEventListener('abort', stop);
  if (sink !== process.stdout) {
    sink.end();
    await finished(sink);
  }
  const said = stderr.replace(PID_LINE, '').trim();
  // The script's own refusals (no such container, namespace or interface) are bad input, found on the node.
  if (ended.code === 2 && pid === null) throw new InputError(`capture on ${session.node}: ${said}`);
  if (ended.code !== 0 && !stopRequested) {
    throw new FailureError(
      `capture on ${session.node} ${spec.iface} ended with ${ended.code === null ? `no exit code${ended.signal ? ` (signal ${ended.signal})` : ''}` : `exit code ${ended.code}`}: ${said.split('\n').slice(-3).join('; ')}`,
    );
  }
  return { bytes, packets: packetsCaptured(stderr) };
}
