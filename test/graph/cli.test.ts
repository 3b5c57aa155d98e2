/** `lab graph` and `lab capture` refuse bad input with exit 2, before any node is asked (no lab is up here). */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'lab-graph-cli-'));
const LAB = join(dir, 'lab.yaml');
writeFileSync(LAB, readFileSync(join(ROOT, 'lab.yaml'), 'utf8').replace('name: docker-lab', 'name: graph-cli'));
const lab = (...args: string[]) => execa('node', [join(ROOT, 'bin/lab.js'), ...args, '--lab', LAB], { reject: false, cwd: ROOT, env: { CI: 'true' } });

describe('lab graph and lab capture, bad input', () => {
  it.each([
    [['graph', '--format', 'png'], "--format: 'png' is not one of svg, mermaid, json, dot"],
    [['graph', '--node', 'docker-node9'], "--node: no node 'docker-node9'"],
    [['graph'], "lab 'graph-cli' is not up"],
    [['capture', 'docker-node1'], 'capture: name a node and an interface'],
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
