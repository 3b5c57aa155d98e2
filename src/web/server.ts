/**
 * The server of `lab web`: node:http for the page and its assets, `ws` for the websockets (the exercise's
 * steps, one terminal per node). Every request and upgrade passes security.ts first. The lab part (SSH pool,
 * shells, the exercise session) is made on the first websocket that needs it, so a server whose lab is down
 * still answers, and refuses, like any other.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import type { Duplex } from 'node:stream';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import type { LiveGraph } from './graph.js';
import { allowedHosts, type Guard, hostPort, queryToken, refusal, securityHeaders, sessionCookie, tokenMatches, withoutToken } from './security.js';
import { isWebKey, type WebCourse } from './steps.js';
import type { Terminals } from './terminals.js';

/** What the server needs of the lab, made once on first need. */
export interface WebBackend {
  /** The lesson in hand (or the choice of one). */
  course: WebCourse;
  terminals: Terminals;
  /** The network beside the steps, when the server draws it. */
  graph?: LiveGraph;
  /** Ends the session (progress saved), the shells and the SSH connections. */
  close(): Promise<void>;
}

export interface WebServerOptions {
  /** The address to bind; 127.0.0.1 unless the user says otherwise. */
  listen: string;
  /** 0 for a free port. */
  port: number;
  token: string;
  /** The lesson given on the command line; null: the page offers the choice. */
  scenario: string | null;
  /** The lab's node names: the only terminals the page may ask for. */
  nodes: readonly string[];
  backend(): Promise<WebBackend>;
  /** Where the server says what it refused (never the token, never a query string). */
  log(line: string): void;
}

export interface WebServer {
  /** The URL to open, with the token: printed once by the caller, nowhere else. */
  url: string;
  port: number;
  close(): Promise<void>;
}

const ASSETS = join(import.meta.dirname, 'assets');
const require = createRequire(import.meta.url);
const XTERM = dirname(require.resolve('@xterm/xterm/package.json'));
const XTERM_FIT = dirname(require.resolve('@xterm/addon-fit/package.json'));

/** The files the page loads: its own, and xterm.js straight from node_modules (no CDN, no bundler). */
const STATIC: Record<string, { file: string; type: string }> = {
  '/': { file: join(ASSETS, 'index.html'), type: 'text/html; charset=utf-8' },
  '/app.js': { file: join(ASSETS, 'app.js'), type: 'text/javascript; charset=utf-8' },
  '/app.css': { file: join(ASSETS, 'app.css'), type: 'text/css; charset=utf-8' },
  '/vendor/xterm.mjs': { file: join(XTERM, 'lib/xterm.mjs'), type: 'text/javascript; charset=utf-8' },
  '/vendor/xterm.css': { file: join(XTERM, 'css/xterm.css'), type: 'text/css; charset=utf-8' },
  '/vendor/addon-fit.mjs': { file: join(XTERM_FIT, 'lib/addon-fit.mjs'), type: 'text/javascript; charset=utf-8' },
};

export async function startWebServer(o: WebServerOptions): Promise<WebServer> {
  let guard: Guard | null = null;
  let backend: Promise<WebBackend> | null = null;
  /** The backend once made (for what an HTTP request may read of it, never made by one). */
  let ready: WebBackend | null = null;
  const lab = (): Promise<WebBackend> => {
    backend ??= o
      .backend()
      .then((b) => (ready = b))
      .catch((err: unknown) => {
        backend = null; // the next websocket tries again (the lab may be up by then)
        throw err;
      });
    return backend;
  };

  const server = createServer((req, res) => {
    void answer(req, res).catch((err: unknown) => {
      o.log(`error answering ${req.method} ${pathOf(req.url)}: ${(err as Error).message}`);
      if (!res.headersSent) res.writeHead(500, securityHeaders());
      res.end();
    });
  });

  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const refused = refusal(req, guard!, false);
    if (refused) return refuse(res, req, refused.status, refused.why);
    const path = pathOf(req.url);
    if (req.method !== 'GET') return plain(res, 405, 'only GET');
    // The first visit: the token of the URL is exchanged for the cookie, and leaves the address bar.
    if (tokenMatches(queryToken(req.url), guard!.token)) {
      res.writeHead(303, { ...securityHeaders(), 'Set-Cookie': sessionCookie(guard!.port, guard!.token), Location: withoutToken(req.url) });
      return void res.end();
    }
    if (path === '/api/info') {
      res.writeHead(200, { ...securityHeaders(), 'Content-Type': 'application/json' });
      return void res.end(JSON.stringify({ scenario: o.scenario, nodes: o.nodes }));
    }
    if (path === '/graph.svg') {
      const drawn = ready?.graph?.current();
      if (!drawn) return plain(res, 404, 'no graph yet');
      // An SVG in an <img> runs no script; the CSP forbids it anyway.
      res.writeHead(200, { ...securityHeaders(), 'Content-Type': 'image/svg+xml' });
      return void res.end(drawn.svg);
    }
    if (path === '/favicon.ico') return void res.writeHead(204, securityHeaders()).end();
    const asset = STATIC[path];
    if (!asset) return plain(res, 404, 'not found');
    const body = await readFile(asset.file);
    res.writeHead(200, { ...securityHeaders(), 'Content-Type': asset.type });
    res.end(body);
  }

  function refuse(res: ServerResponse, req: IncomingMessage, status: 401 | 403, why: string): void {
    o.log(`refused ${status} ${req.method} ${pathOf(req.url)}: ${why}`);
    plain(res, status, status === 401 ? 'unauthorized: open the URL lab web printed' : 'forbidden');
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refused = refusal(req, guard!, true);
    if (refused) {
      o.log(`refused ${refused.status} websocket ${pathOf(req.url)}: ${refused.why}`);
      return rejectUpgrade(socket, refused.status);
    }
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/ws/steps') return wss.handleUpgrade(req, socket, head, (ws) => void steps(ws));
    const node = url.searchParams.get('node');
    // The page names a node of its own lab, never an SSH target.
    if (url.pathname === '/ws/term' && node !== null && o.nodes.includes(node)) return wss.handleUpgrade(req, socket, head, (ws) => void terminal(ws, node));
    o.log(`refused 404 websocket ${url.pathname}`);
    rejectUpgrade(socket, 404);
  });

  async function steps(ws: WebSocket): Promise<void> {
    let unsubscribe = () => {};
    ws.on('close', () => unsubscribe());
    let b: WebBackend;
    try {
      b = await lab();
    } catch (err) {
      ws.send(JSON.stringify({ kind: 'error', scenario: o.scenario ?? '', message: (err as Error).message }));
      return;
    }
    if (ws.readyState !== ws.OPEN) return;
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      try {
        const m = JSON.parse(data.toString()) as { type?: unknown; key?: unknown; scenario?: unknown };
        if (m.type === 'key' && isWebKey(m.key)) b.course.press(m.key);
        // Only a lesson the server offers, or none (back to the choice).
        else if (m.type === 'choose' && (m.scenario === null || b.course.offers(m.scenario))) void b.course.choose(m.scenario);
      } catch {
        // not JSON: not from the page
      }
    });
    const send = (message: object) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    };
    const unsubscribers = [b.course.subscribe(send), ...(b.graph ? [b.graph.subscribe((version) => send({ kind: 'graph', version }))] : [])];
    b.graph?.start();
    unsubscribe = () => {
      for (const u of unsubscribers) u();
    };
  }

  async function terminal(ws: WebSocket, node: string): Promise<void> {
    // What the page sends while the lab is being reached (its size, first keys) is kept for the shell.
    const early: [RawData, boolean][] = [];
    const keep = (data: RawData, isBinary: boolean) => early.push([data, isBinary]);
    ws.on('message', keep);
    let b: WebBackend;
    try {
      b = await lab();
    } catch (err) {
      ws.send(Buffer.from(`\r\n[${(err as Error).message}]\r\n`), { binary: true });
      ws.close(1011, 'lab not reachable');
      return;
    } finally {
      ws.off('message', keep);
    }
    const attached = b.terminals.attach(node, ws);
    for (const [data, isBinary] of early) ws.emit('message', data, isBinary);
    await attached;
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.listen, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  guard = { token: o.token, port, allowedHosts: allowedHosts(o.listen, port) };
  const shown = o.listen === '0.0.0.0' ? '127.0.0.1' : o.listen === '::' ? '::1' : o.listen;

  return {
    url: `http://${hostPort(shown, port)}/?token=${o.token}`,
    port,
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      if (backend) await backend.then((b) => b.close()).catch(() => undefined);
    },
  };
}

/** The path alone: a query may hold the token, and is never logged. */
function pathOf(url: string | undefined): string {
  return new URL(url ?? '/', 'http://x').pathname;
}

function plain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { ...securityHeaders(), 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(`${text}\n`);
}

const REASONS: Record<number, string> = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' };

function rejectUpgrade(socket: Duplex, status: 401 | 403 | 404): void {
  socket.end(`HTTP/1.1 ${status} ${REASONS[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
