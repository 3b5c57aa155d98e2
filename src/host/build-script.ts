/**
 * docker-lab's build scripts (provision/host/build-*.sh) on the host: a recipe's id, so that an artifact is
 * rebuilt exactly when its recipe changed, and the run of a script: its lines go to `log` as they come, Ctrl-C
 * stops the whole build, and a failure says what the script printed last.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { execa } from 'execa';
import { FailureError } from '../errors.js';

export async function runBuildScript(script: string, args: string[], what: string, log: (line: string) => void, signal?: AbortSignal): Promise<void> {
  // A process group of its own, stopped as a whole: debootstrap and its chroots run under the script, whose
  // EXIT trap removes the work folder only once they are gone (and a terminal's Ctrl-C stays with us).
  const build = execa('bash', [script, ...args], { all: true, reject: false, stdin: 'ignore', detached: true });
  build.all?.on('data', (chunk: Buffer) => chunk.toString().split('\n').filter(Boolean).forEach(log));
  const stop = () => signalGroup(build.pid, 'SIGTERM');
  signal?.addEventListener('abort', stop, { once: true });
  const r = await build.finally(() => signal?.removeEventListener('abort', stop));
  if (signal?.aborted) throw signal.reason;
  if (r.exitCode !== 0) throw new FailureError(`${what} failed (exit ${r.exitCode}):\n${tail(String(r.all))}`);
}

function signalGroup(pid: number | undefined, sig: NodeJS.Signals): void {
  try {
    if (pid) process.kill(-pid, sig);
  } catch {
    /* already gone */
  }
}

function tail(text: string, lines = 15): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** Identifies a recipe: a change to one of its files or parts (suite, provider, image) gives a new id, and so a rebuild. */
export async function hashRecipe(files: readonly string[], parts: readonly string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const file of files) hash.update(await readFile(file)).update('\0');
  for (const part of parts) hash.update(part).update('\0');
  return hash.digest('hex').slice(0, 16);
}
