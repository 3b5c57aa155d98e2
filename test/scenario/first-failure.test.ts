import { describe, expect, it } from 'vitest';
import { firstFailure, type NodeRun, type StepResult } from '../../src/scenario/results.js';

const run = (node: string, status: NodeRun['status'], extra: Partial<NodeRun> = {}): NodeRun => ({
  node,
  status,
  command: 'true',
  attempts: 1,
  exitCode: status === 'passed' ? 0 : 1,
  stdout: '',
  stderr: '',
  durationMs: 5,
  failures: [],
  ...extra,
});
const step = (name: string, status: StepResult['status'], nodes: NodeRun[], phase: StepResult['phase'] = 'main'): StepResult => ({
  id: name,
  name,
  kind: 'command',
  phase,
  status,
  durationMs: 5,
  nodes,
});

describe('the first failure of a run, in a line', () => {
  it('names the step, the node and the check that did not hold', () => {
    const steps = [
      step('etcd is healthy', 'passed', [run('docker-node1', 'passed')]),
      step('test1 pings test2', 'failed', [
        run('docker-node1', 'passed'),
        run('docker-node2', 'failed', {
          failures: [{ kind: 'deadline', check: 'retried for 30s', detail: '  6 attempts\n  last: exit 1', forMs: 30_000, attempts: 6 }],
        }),
      ]),
      step('later', 'failed', [run('docker-node1', 'failed')]),
    ];
    expect(firstFailure({ steps, cleanup: [] })).toBe('step "test1 pings test2" on docker-node2: retried for 30s: 6 attempts');
  });

  it('says a run error, looks into parallel groups and cleanup, and is null when all passed', () => {
    const lost = run('docker-node2', 'aborted', { error: { kind: 'node-lost', message: 'docker-node2 went away' } });
    const group: StepResult = {
      ...step('both', 'aborted', []),
      kind: 'parallel',
      steps: [step('one', 'passed', [run('docker-node1', 'passed')]), step('two', 'aborted', [lost])],
    };
    expect(firstFailure({ steps: [group], cleanup: [] })).toBe('step "two" on docker-node2: docker-node2 went away');
    expect(firstFailure({ steps: [], cleanup: [step('rm', 'failed', [run('docker-node1', 'failed', { exitCode: 2 })], 'cleanup')] })).toBe(
      'step "rm" on docker-node1: exit 2',
    );
    expect(firstFailure({ steps: [step('ok', 'passed', [run('docker-node1', 'passed')])], cleanup: [] })).toBeNull();
  });
});
