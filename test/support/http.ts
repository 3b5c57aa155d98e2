/** HTTP as a browser or an attacker sends it, for the tests of `lab web`'s server. */
import { request } from 'node:http';
import WebSocket from 'ws';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The body as it came over the wire (still gzipped, when it was). */
  raw: Buffer;
}

/** A GET on 127.0.0.1:`port` with exactly these headers (Host too: a browser sends what the URL names). */
export function rawGet(port: number, path: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers, setHost: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        resolve({ status: res.statusCode!, headers: res.headers, body: raw.toString(), raw });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens a websocket on 127.0.0.1:`port` with these headers: the status of a refusal, or the first message once open. */
export function rawUpgrade(port: number, path: string, headers: Record<string, string>): Promise<{ status: number; first?: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, { headers, ...(headers.Origin ? { origin: headers.Origin } : {}) });
    ws.on('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode! });
      ws.terminate();
    });
    ws.on('message', (data) => {
      resolve({ status: 101, first: data.toString() });
      ws.close();
    });
    ws.on('error', reject);
  });
}
