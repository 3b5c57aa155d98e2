import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { repeatLine, repeatSummary } from '../../src/report/repeat.js';
import { describeLabNetwork, explainConnectionError, plainSshTrouble } from '../../src/scenario/engine/lab-network.js';
import { labNetworkProbe, parseLabNetwork } from '../../src/scenario/engine/remote.js';
import type { ScenarioResult } from '../../src/scenario/results.js';

const nodes = [
  { name: 'docker-node1', ip: '192.168.205.10' },
  { name: 'docker-node2', ip: '192.168.205.11' },
  { name: 'docker-node3', ip: '192.168.205.12' },
];

const bin = mkdtempSync(join(tmpdir(), 'lab-network-'));
afterAll(() => rmSync(bin, { recursive: true, force: true }));

/** Runs the probe in bash with a stand-in ping that answers only for `answering` (its last argument is the address). */
async function probe(others: typeof nodes, answering: string[] | null) {
  if (answering) {
    writeFileSync(
      join(bin, 'ping'),
      `#!/bin/sh\nfor a; do last=$a; done\ncase " ${answering.join(' ')} " in *" $last "*) exit 0;; esac\necho "no answer" >&2\nexit 1\n`,
    );
    chmodSync(join(bin, 'ping'), 0o755);
  } else {
    rmSync(join(bin, 'ping'), { force: true });
  }
  // Only the stand-in folder and bash's own: a ping installed on this machine must not be found.
  return execa('/bin/bash', ['-c', labNetworkProbe(others)], { env: { PATH: `${bin}:/nonexistent` }, extendEnv: false, reject: false });
}

describe('the lab network probe', () => {
  it('names by index the addresses that did not answer, and only those', async () => {
    const r = await probe(nodes.slice(1), ['192.168.205.12']);
    expect(r.exitCode).toBe(0);
    expect([...parseLabNetwork(r.stdout)]).toEqual([0]);
  });

  it('reports nothing when every address answers', async () => {
    const r = await probe(nodes.slice(1), ['192.168.205.11', '192.168.205.12']);
    expect(parseLabNetwork(r.stdout).size).toBe(0);
  });

  it('stays silent on a node without ping rather than calling every address unreachable', async () => {
    const r = await probe(nodes.slice(1), null);
    expect(r.exitCode).toBe(0);
    expect(parseLabNetwork(r.stdout).size).toBe(0);
  });

  it('quotes the addresses it sends', () => {
    expect(labNetworkProbe([{ name: 'x', ip: "1.2.3.4'; reboot #" }])).toContain(`'1.2.3.4'\\''; reboot #'`);
  });
});

describe('the diagnosis in words', () => {
  it('says which node cannot reach which, and which does not answer, in plain words', () => {
    const lines = describeLabNetwork(nodes.slice(0, 2), [
      { node: 'docker-node1', cannotReach: ['docker-node2'] },
      {
        node: 'docker-node2',
        noAnswer: 'docker-node2 (vagrant@192.168.205.11:22): connection lost (x) and could not be reopened: connect EHOSTUNREACH 192.168.205.11:22',
      },
    ]);
    expect(lines).toEqual([
      'docker-node1 cannot reach docker-node2 (192.168.205.11) on the lab network',
      'docker-node2 does not answer over SSH (nothing answers at its address: the node is stopped, or cut off the lab network)',
    ]);
  });

  it('says nothing when all is well', () => {
    expect(
      describeLabNetwork(nodes.slice(0, 2), [
        { node: 'docker-node1', cannotReach: [] },
        { node: 'docker-node2', cannotReach: [] },
      ]),
    ).toEqual([]);
  });

  it('keeps an error it does not know as it came', () => {
    expect(plainSshTrouble('All configured authentication methods failed')).toBeNull();
    expect(describeLabNetwork(nodes, [{ node: 'docker-node3', noAnswer: 'All configured authentication methods failed' }])).toEqual([
      'docker-node3 does not answer over SSH (All configured authentication methods failed)',
    ]);
  });

  it('puts the plain cause of a lost connection before the raw one', () => {
    expect(explainConnectionError('docker-node2', 'docker-node2 (v@h:22): connection lost (Keepalive timeout) while running: x')).toBe(
      'lost docker-node2 (it stopped answering: the node is stopped, frozen, or cut off the lab network); docker-node2 (v@h:22): connection lost (Keepalive timeout) while running: x',
    );
    expect(plainSshTrouble('connect ECONNREFUSED 192.168.205.11:22')).toMatch(/refuses connections/);
    expect(plainSshTrouble("the command's channel closed without an exit status: x")).toMatch(/closed the connection/);
  });
});

describe('repeated runs', () => {
  const result = (name: string, run: number, status: ScenarioResult['status'], durationMs: number): ScenarioResult => ({
    name,
    run,
    status,
    durationMs,
    file: `${name}.yaml`,
    description: '',
    startedAt: '2026-01-01T00:00:00.000Z',
    runId: `r${run}`,
    transcriptDir: '/tmp',
    steps: [],
    cleanup: [],
  });

  it('prints each run with its number, status and time in tenths of a second', () => {
    expect(repeatLine(result('overlay', 3, 'passed', 16_240), 20)).toBe('run 3 of 20: overlay passed in 16.2 s');
  });

  it('sums up each scenario over its runs: passed count, median and max', () => {
    const results = [
      result('overlay', 1, 'passed', 16_000),
      result('bridge', 1, 'passed', 2_000),
      result('overlay', 2, 'failed', 18_000),
      result('bridge', 2, 'passed', 3_000),
      result('overlay', 3, 'passed', 17_000),
    ];
    expect(repeatSummary(results)).toEqual(['overlay: 2 of 3 passed (median 17.0 s, max 18.0 s)', 'bridge: 2 of 2 passed (median 2.5 s, max 3.0 s)']);
  });
});
