/**
 * A multi-line `run:` stops at its first failing command. The script is checked as text, then run by a real
 * bash (the one the nodes' runner uses), and finally as a step on real sshd nodes through the whole runner.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScenarios } from '../../src/run/scenarios.js';
import { loadScenario } from '../../src/scenario/catalog.js';
import { lessonOf } from '../../src/scenario/lesson.js';
import { commandLine } from '../../src/shell/command-line.js';
import { isMultiLine, stopAtFirstFailure } from '../../src/shell/stop-at-first-failure.js';
import { removeTempDirs, scenarioDir, tempDir } from '../support/scenarios.js';
import { type SshdLab, startSshdLab } from '../support/sshd.js';

const bash = (script: string) => execa('bash', ['-c', script], { reject: false });

describe('a block of commands stops at its first failure', () => {
  it('sends a one-line command as written, and a block (here-documents included) with set -e first', () => {
    expect(stopAtFirstFailure('a; b || c')).toBe('a; b || c');
    expect(stopAtFirstFailure('echo one\n')).toBe('echo one\n');
    expect(isMultiLine('a \\\n  b')).toBe(true);
    expect(stopAtFirstFailure('a\nb\n').split('\n').slice(1).join('\n')).toBe('a\nb\n');
    expect(stopAtFirstFailure('a\nb\n')).toMatch(/^set -e; trap '.*' ERR\n/);
    // sudo runs the same script as root
    expect(commandLine('a\nb', true)).toContain("bash -c 'set -e; trap '");
  });

  it("in bash: the lines after a failing one do not run, its exit code is the step's, and the line is named", async () => {
    const r = await bash(stopAtFirstFailure('echo one\nls /no/such/dir\necho three\n'));
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('one');
    expect(r.stderr).toContain('docker-lab: the step stopped at its line 2 (exit 2): ls /no/such/dir');
  });

  it('in bash: tested commands (if, ||, &&, !) do not stop it, as a reader of the block expects', async () => {
    const r = await bash(
      stopAtFirstFailure('if false; then echo no; fi\nfalse || echo recovered\n! true && echo no\ntest -e /no/such/file && echo no\necho end'),
    );
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('recovered\nend');
  });

  it("in bash: a one-line command keeps bash's own meaning (the last command's code)", async () => {
    const r = await bash(stopAtFirstFailure('false; echo still'));
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('still');
  });
});

describe('a multi-line run: on real sshd nodes', () => {
  let lab: SshdLab;
  beforeAll(async () => {
    lab = await startSshdLab();
  });
  afterAll(async () => {
    await lab?.stop();
    removeTempDirs();
  });

  it('fails the step at the failing line, as root too, and runs cleanup', async () => {
    const m = tempDir('docker-lab-m-');
    const dir = scenarioDir({
      'block.yaml': `
name: block
description: a block whose second line fails
steps:
  - name: a block
    on: docker-node1
    run: |
      touch ${m}/first
      test -e ${m}/no-such-file
      touch ${m}/third
  - name: never reached
    on: docker-node1
    run: touch ${m}/after
cleanup:
  - name: a block in cleanup, as root
    on: docker-node2
    sudo: true
    run: |
      touch ${m}/cleanup-first
      false
      touch ${m}/cleanup-third
`,
    });
    const plan = loadScenario('block', { scenariosDir: dir, lab: lab.lab });
    const out = await runScenarios([lessonOf(plan)], { lab: lab.lab, targets: lab.targets, quiet: true, runDir: join(dir, 'runs') });
    const result = out.results[0]!;
    expect(out.exitCode).toBe(1);
    expect(existsSync(join(m, 'first'))).toBe(true);
    expect(existsSync(join(m, 'third'))).toBe(false);
    expect(existsSync(join(m, 'after'))).toBe(false);
    expect(existsSync(join(m, 'cleanup-first'))).toBe(true);
    expect(existsSync(join(m, 'cleanup-third'))).toBe(false);
    expect(result.steps.map((s) => s.status)).toEqual(['failed', 'skipped']);
    const transcript = readFileSync(join(result.transcriptDir, 'docker-node1.log'), 'utf8');
    expect(transcript).toContain(`docker-lab: the step stopped at its line 2 (exit 1): test -e ${m}/no-such-file`);
  });
});
