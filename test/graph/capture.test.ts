/**
 * The capture script, run for real in bash on this machine (root, with tcpdump): a missing interface or
 * namespace is said in plain words with exit 2 before tcpdump starts, and a count ends the capture.
 */
import { createSocket } from 'node:dgram';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { captureCommand, PID_LINE, packetsCaptured } from '../../src/capture/remote.js';

const run = (command: string) => execa('bash', ['-c', command], { reject: false });

describe('lab capture on the node', () => {
  it('refuses an interface the namespace does not have', async () => {
    const r = await run(captureCommand({ iface: 'nosuch0', where: { kind: 'host' }, durationMs: 1000 }));
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('no interface nosuch0 in that namespace');
    expect(r.stderr).not.toMatch(PID_LINE);
  });

  it('refuses a namespace that is neither a Docker sandbox nor an ip netns one', async () => {
    const r = await run(captureCommand({ iface: 'eth0', where: { kind: 'netns', name: "no'such ns" }, durationMs: 1000 }));
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("no namespace no'such ns in /var/run/docker/netns or /var/run/netns");
  });

  it('captures a bounded number of packets as pcap on stdout, telling its pid first', async () => {
    // Loopback only: UDP datagrams to ourselves, sent until the capture has its 2 packets.
    const port = 47000 + (process.pid % 1000);
    const capture = run(captureCommand({ iface: 'lo', where: { kind: 'host' }, filter: `udp and dst port ${port}`, count: 2, durationMs: 60_000 }));
    const socket = createSocket('udp4');
    const timer = setInterval(() => socket.send('hello', port, '127.0.0.1'), 100);
    const r = await capture.finally(() => {
      clearInterval(timer);
      socket.close();
    });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(PID_LINE);
    expect(packetsCaptured(r.stderr)).toBe(2);
  });
});
