/**
 * Puts course images on the nodes: `docker image inspect` says which a node lacks, and each missing tar is
 * streamed from the host into `docker import` on its own SSH channel (the runner carries text, not 100 MB).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { FailureError } from '../errors.js';
import { shellQuote } from '../shell/quote.js';
import type { SshPool } from '../ssh/pool.js';
import type { SshSession } from '../ssh/session.js';
import type { ImageTar } from './build.js';
import type { CourseImage } from './catalog.js';

const INSPECT_TIMEOUT_MS = 30_000;

/** The images each node lacks (nodes lacking none are left out). */
export async function missingImages(
  pool: SshPool,
  nodes: readonly string[],
  images: readonly CourseImage[],
  signal?: AbortSignal,
): Promise<Map<string, CourseImage[]>> {
  const script = images.map((i) => `docker image inspect ${i} >/dev/null 2>&1 || echo ${i}`).join('; ');
  const missing = new Map<string, CourseImage[]>();
  await Promise.all(
    nodes.map(async (node) => {
      const r = await pool.session(node).exec(script, { timeoutMs: INSPECT_TIMEOUT_MS, ...(signal ? { signal } : {}) });
      const lacks = images.filter((i) => r.stdout.split('\n').includes(i));
      if (lacks.length) missing.set(node, lacks);
    }),
  );
  return missing;
}

/**
 * `docker import` of one tar on one node, fed from the host; resolves when the daemon has the image. The tar
 * lands in a file first and is imported only when all of it came: cut short (Ctrl-C, a dropped connection) at a
 * file's boundary inside it, a stream would read as a whole tar, and `docker import` would make a partial image.
 */
export async function importImage(session: SshSession, tar: ImageTar, signal?: AbortSignal): Promise<void> {
  const bytes = (await stat(tar.path)).size;
  const changes = tar.changes.flatMap((c) => ['-c', shellQuote(c)]).join(' ');
  const command = [
    `f=$(mktemp /var/tmp/docker-lab-image.XXXXXX)`,
    `trap 'rm -f "$f"' EXIT`,
    `cat >"$f"`,
    `{ [ "$(stat -c %s "$f")" = ${bytes} ] || { echo "the image arrived incomplete" >&2; exit 1; }; }`,
    `docker import ${changes} "$f" ${tar.image}:latest`,
  ].join(' && ');
  const channel = await session.channel(command);
  let stderr = '';
  channel.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  // The new image's id: read and dropped, since a channel whose output is not read never closes.
  channel.resume();
  const abort = () => channel.close();
  signal?.addEventListener('abort', abort, { once: true });
  const code = await new Promise<number | null>((resolve, reject) => {
    let exitCode: number | null = null;
    channel.on('exit', (c: number | null) => (exitCode = c));
    channel.on('close', () => resolve(exitCode));
    const file = createReadStream(tar.path);
    file.on('error', reject);
    file.pipe(channel);
  }).finally(() => signal?.removeEventListener('abort', abort));
  signal?.throwIfAborted();
  if (code !== 0)
    throw new FailureError(`${session.node}: docker import of ${tar.image} failed (exit ${code ?? 'none'}): ${stderr.trim().split('\n').slice(-3).join(' ')}`);
}
