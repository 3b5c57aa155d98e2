/**
 * Per-node transcripts of a run: every command as sent, its exit code, duration and full output, in
 * `<dir>/<node>.log`. What was sent holds commands and values only; key material never passes through here.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

interface TranscriptEntry {
  node: string;
  step: string;
  attempt: number;
  command: string;
  exitCode: number | null;
  signal?: string;
  durationMs: number;
  stdout: string;
  stderr: string;
  note?: string;
}

export class Transcript {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  file(node: string): string {
    return join(this.dir, `${node}.log`);
  }

  /** Synchronous on purpose: entries of parallel steps never interleave, and a crash loses nothing. */
  record(e: TranscriptEntry): void {
    appendFileSync(this.file(e.node), formatEntry(e));
  }
}

function formatEntry(e: TranscriptEntry): string {
  const status = e.exitCode !== null ? `exit ${e.exitCode}` : `no exit code${e.signal ? ` (signal ${e.signal})` : ''}`;
  const lines = [
    `=== ${new Date().toISOString()} step ${e.step}${e.attempt > 1 ? ` attempt ${e.attempt}` : ''}`,
    `$ ${e.command}`,
    `${status} in ${Math.round(e.durationMs)} ms${e.note ? ` (${e.note})` : ''}`,
  ];
  if (e.stdout) lines.push('--- stdout', e.stdout.replace(/\n$/, ''));
  if (e.stderr) lines.push('--- stderr', e.stderr.replace(/\n$/, ''));
  return `${lines.join('\n')}\n\n`;
}
