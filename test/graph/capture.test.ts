/**
 * The capture script's own refusals, run for real in bash on this machine (root, with tcpdump and nsenter):
 * a missing interface or namespace is said in plain words with exit 2, before tcpdump starts.
 */
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { captureCommand, packetsCaptured, PID_LINE } from '../../src/capture/remote.js';

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
    // Loopback only: the host pings itself while the capture waits for 2 echo requests.
    const capture = run(captureCommand({ iface: 'lo', where: { kind: 'host' }, filter: 'icmp and host 127.0.0.1', count: 2, durationMs: 30_000 }));
    const pinger = execa('ping', ['-i', '0.2', '-c', '100', '127.0.0.1'], { reject: false });
    const r = await capture;
    pinger.kill();
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(PID_LINE);
    expect(packetsCaptured(r.stderr)).toBe(2);
  });
});
