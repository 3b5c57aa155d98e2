/**
 * The page's own files (HTML, our scripts and styles, xterm.js from node_modules), read and gzipped once per
 * server, sent gzipped to a browser that takes it and revalidated by ETag: a class of N pages loads xterm.js's
 * 337 KiB as about a quarter of that, once per browser. They hold nothing of a lab or a token, so a browser may
 * keep them; what does (the API, the graph) stays `no-store`.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

const gzipped = promisify(gzip);

interface Asset {
  body: Buffer;
  gzip: Buffer;
  etag: string;
}

/** What to send for a request of an asset: the status, the headers beyond the security ones, and the body. */
export interface AssetAnswer {
  status: 200 | 304;
  headers: Record<string, string>;
  body: Buffer | null;
}

export class Assets {
  private readonly loaded = new Map<string, Promise<Asset>>();

  private load(file: string): Promise<Asset> {
    let asset = this.loaded.get(file);
    if (!asset) {
      asset = readFile(file).then(async (body) => ({
        body,
        gzip: await gzipped(body, { level: 9 }),
        etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
      }));
      // A failed read is tried again on the next request, not remembered.
      asset.catch(() => this.loaded.delete(file));
      this.loaded.set(file, asset);
    }
    return asset;
  }

  async answer(req: IncomingMessage, file: string, type: string): Promise<AssetAnswer> {
    const a = await this.load(file);
    // Kept, but asked about again each time: a new version of docker-lab is never hidden behind an old file.
    const headers: Record<string, string> = { 'Content-Type': type, 'Cache-Control': 'no-cache', ETag: a.etag, Vary: 'Accept-Encoding' };
    if (req.headers['if-none-match'] === a.etag) return { status: 304, headers, body: null };
    if (acceptsGzip(req.headers['accept-encoding'])) return { status: 200, headers: { ...headers, 'Content-Encoding': 'gzip' }, body: a.gzip };
    return { status: 200, headers, body: a.body };
  }
}

/** Pure: whether an Accept-Encoding header takes gzip (and does not refuse it with `q=0`). */
export function acceptsGzip(header: string | undefined): boolean {
  return (header ?? '').split(',').some((part) => {
    const [coding, ...params] = part.trim().split(';');
    if (coding?.trim().toLowerCase() !== 'gzip') return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}
