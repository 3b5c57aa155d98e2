/** `lab graph` and `lab capture` refuse bad input with exit 2, before any node is asked (no lab is up here). */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';

const ROOT = join(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'lab-graph-cli-'));
const LAB = join(dir, 'lab.yaml');
writeFileSync(LAB, readFileSync(join(ROOT, 'lab.yaml'), 'utf8').replace('name: docker-lab', 'name: graph-cli'));
/** `main` in this process, its error output collected. */
async function lab(...args: string[]): Promise<{ exitCode: number; stderr: string }> {
  const err: string[] = [];
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  try {
    return { exitCode: await main([...args, '--lab', LAB]), stderr: err.join('\n') };
  } finally {
    error.mockRestore();
  }
}

describe('lab graph and lab capture, bad input', () => {
  it.each([
    [['graph', '--format', 'png'], "--format: 'png' is not one of svg, mermaid, json, dot"],
    [['graph', '--node', 'docker-node9'], "--node: no node 'docker-node9'"],
    [['graph'], "lab 'graph-cli' is not up"],
    [['capture', 'docker-node1'], "missing required argument 'iface'"],
    [['capture', 'docker-node9', 'eth1'], "capture: no node 'docker-node9'"],
    [['capture', 'docker-node1', 'eth1', '--container', 'a', '--netns', 'b'], '--container and --netns exclude each other'],
    [['capture', 'docker-node1', 'eth1', '--count', '0'], "--count: '0' is not a whole number of at least 1"],
    [['capture', 'docker-node1', 'eth1', '--duration', '10 sec'], "--duration: '10 sec' is not a positive duration"],
    [['capture', 'docker-node1', 'eth1'], "lab 'graph-cli' is not up"],
  ])('%j', async (args, message) => {
    const r = await lab(...args);
    expect(r.stderr).toContain(message);
    expect(r.exitCode).toBe(2);
  });
});
