import { describe, expect, it } from 'vitest';
import { PlainReporter, stepLine } from '../../src/report/plain-lines.js';
import type { NodeRun, StepResult } from '../../src/scenario/results.js';

const node = (name: string, ms: number, over: Partial<NodeRun> = {}): NodeRun => ({
  node: name,
  status: 'passed',
  command: 'x',
  attempts: 1,
  exitCode: 0,
  stdout: '',
  stderr: '',
  durationMs: ms,
  failures: [],
  ...over,
});
const step = (over: Partial<StepResult>): StepResult => ({
  id: '3',
  name: 'start etcd',
  kind: 'command',
  phase: 'main',
  status: 'passed',
  durationMs: 240,
  nodes: [node('docker-node1', 211), node('docker-node2', 230)],
  ...over,
});

describe('the plain CI log', () => {
  it('gives a finished step one line, with each node and its time', () => {
    expect(stepLine(step({}))).toBe('✔ start etcd 240 ms (docker-node1 211 ms, docker-node2 230 ms)');
  });

  it('says on which node a step failed, retries and the lab network diagnosis on the same line', () => {
    const failed = step({
      status: 'failed',
      nodes: [node('docker-node1', 10_400, { status: 'failed', attempts: 11 })],
      diagnosis: ['docker-node1 cannot reach docker-node2 (192.168.205.11) on the lab network'],
    });
    expect(stepLine(failed)).toBe(
      '✖ start etcd 240 ms (docker-node1 11 attempts 10 s): failed on docker-node1; docker-node1 cannot reach docker-node2 (192.168.205.11) on the lab network',
    );
  });

  it("marks cleanup and skipped steps, and puts a parallel group's steps under it", () => {
    expect(stepLine(step({ phase: 'cleanup', status: 'skipped', reason: 'kept (--keep)', nodes: [] }))).toBe('↓ cleanup: start etcd [skipped: kept (--keep)]');
    const lines: string[] = [];
    const group = step({ kind: 'parallel', name: 'both nodes', nodes: [], steps: [step({ id: '3.1', name: 'a' }), step({ id: '3.2', name: 'b' })] });
    new PlainReporter((t) => lines.push(t)).stepEnd(group as never, group);
    expect(lines.join('')).toBe(
      ['✔ both nodes 240 ms', '  ✔ a 240 ms (docker-node1 211 ms, docker-node2 230 ms)', '  ✔ b 240 ms (docker-node1 211 ms, docker-node2 230 ms)', ''].join(
        '\n',
      ),
    );
  });
});
