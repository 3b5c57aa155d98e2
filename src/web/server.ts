/**
 * The server of `lab web`: node:http for the page and its assets, `ws` for the websockets (the exercise's
 * steps, one terminal per node). Every request and upgrade passes security.ts first. The lab part (SSH pool,
 * shells, the exercise session) is made on the first websocket that needs it, so a server whose lab is down
 * still answers, and refuses, like any other. For a class, each student lab is served under `/lab/NAME/` with
 * its own token and lab part, and the teacher's token opens `/class`; a path is opened only to its holder.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import type { Duplex } from 'node:stream';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { Assets } from './assets.js';
import type { ClassBoard } from './class.js';
import type { LiveGraph } from './graph.js';
import {
  allowedHosts,
  type Guard,
  holders,
  hostPort,
  type Pass,
  queryPass,
  refusal,
  securityHeaders,
  sessionCookie,
  TEACHER,
  withoutToken,
} from './security.js';
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

/** A student's lab: its token opens its page, its terminals and its steps, and nothing of another's. */
export interface WebStudent {
  /** The lab's name (in a class, where its page is: `/lab/NAME/`). */
  lab: string;
  token: string;
  /** The lab's node names: the only terminals the page may ask for. */
  nodes: readonly string[];
  backend(): Promise<WebBackend>;
}

/** A class's teacher: their token opens `/class` (the board) and a read-only view of each student's terminals. */
export interface WebTeacher {
  token: string;
  board: ClassBoard;
}

export interface WebServerOptions {
  /** The address to bind; 127.0.0.1 unless the user says otherwise. */
  listen: string;
  /** 0 for a free port. */
  port: number;
  /** The lesson given on the command line; null: the page offers the choice. */
  scenario: string | null;
  /** One lab, served at `/`; or, with a teacher, a class: each lab under `/lab/NAME/`. */
  students: readonly WebStudent[];
  teacher?: WebTeacher | undefined;
  /** Where the server says what it refused (never the token, never a query string). */
  log(line: string): void;
}

export interface WebServer {
  /** The URL to open, with the token: the lone student's, or the teacher's. Printed once by the caller, nowhere else. */
  url: string;
  /** Each student lab's URL, with its token (one, the same as `url`, for a lone lab). */
  studentUrls: { lab: string; url: string }[];
  port: number;
  close(): Promise<void>;
}

const ASSETS = join(import.meta.dirname, 'assets');
const require = createRequire(import.meta.url);
const XTERM = dirname(require.resolve('@xterm/xterm/package.json'));
const XTERM_FIT = dirname(require.resolve('@xterm/addon-fit/package.json'));

const HTML = 'text/html; charset=utf-8';
const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

/** The files every holder's page loads: ours, and xterm.js straight from node_modules (no CDN, no bundler). */
const SHARED: Record<string, { file: string; type: string }> = {
  '/app.js': { file: join(ASSETS, 'app.js'), type: JS },
  '/term.js': { file: join(ASSETS, 'term.js'), type: JS },
  '/class.js': { file: join(ASSETS, 'class.js'), type: JS },
  '/watch.js': { file: join(ASSETS, 'watch.js'), type: JS },
  '/app.css': { file: join(ASSETS, 'app.css'), type: CSS },
  '/vendor/xterm.mjs': { file: join(XTERM, 'lib/xterm.mjs'), type: JS },
  '/vendor/xterm.css': { file: join(XTERM, 'css/xterm.css'), type: CSS },
  '/vendor/addon-fit.mjs': { file: join(XTERM_FIT, 'lib/addon-fit.mjs'), type: JS },
};

/** A student lab's place in the server: its backend, made on the first websocket that needs it. */
class StudentLab {
  /** Where its page and sockets are: '' for a lone lab (`/`, `/ws/steps`), `/lab/NAME` in a class. */
  readonly base: string;
  /** The `who` of its token (security.ts). */
  readonly who: string;
  private backend: Promise<WebBackend> | null = null;
  /** The backend once made (for what an HTTP request may read of it, never made by one). */
  ready: WebBackend | null = null;

  constructor(
    readonly o: WebStudent,
    inClass: boolean,
  ) {
    this.base = inClass ? `/lab/${o.lab}` : '';
    this.who = inClass ? o.lab : '';
  }

  lab(): Promise<WebBackend> {
    this.backend ??= this.o
      .backend()
      .then((b) => (this.ready = b))
      .catch((err: unknown) => {
        this.backend = null; // the next websocket tries again (the lab may be up by then)
        throw err;
      });
    return this.backend;
  }

  async close(): Promise<void> {
    if (this.backend) await this.backend.then((b) => b.close()).catch(() => undefined);
  }
}

type Route =
  | { to: 'file'; file: string; type: string }
  | { to: 'info'; student: StudentLab }
  | { to: 'graph'; student: StudentLab }
  | { to: 'class' }
  | { to: 'redirect'; location: string };

type Upgrade = { to: 'steps'; student: StudentLab } | { to: 'term' | 'watch'; student: StudentLab; node: string };

export async function startWebServer(o: WebServerOptions): Promise<WebServer> {
  const inClass = o.teacher !== undefined;
  const students = o.students.map((s) => new StudentLab(s, inClass));
  const byName = (name: string | null) => students.find((s) => s.o.lab === name);
  let guard: Guard | null = null;
  const assets = new Assets();

  /** What a GET names, and whose it is (`who`: the holder it needs; null: any holder). Null: nothing. */
  function route(path: string, url: URL): { route: Route; who: string | null } | null {
    const shared = SHARED[path];
    if (shared) return { route: { to: 'file', ...shared }, who: null };
    if (inClass) {
      if (path === '/class') return { route: { to: 'file', file: join(ASSETS, 'class.html'), type: HTML }, who: TEACHER };
      if (path === '/class/watch') return { route: { to: 'file', file: join(ASSETS, 'watch.html'), type: HTML }, who: TEACHER };
      if (path === '/class/api') return { route: { to: 'class' }, who: TEACHER };
      if (path === '/class/info') {
        const student = byName(url.searchParams.get('lab'));
        return student ? { route: { to: 'info', student }, who: TEACHER } : null;
      }
    }
    for (const student of students) {
      if (inClass && path === student.base) return { route: { to: 'redirect', location: `${student.base}/` }, who: student.who };
      if (path === `${student.base}/`) return { route: { to: 'file', file: join(ASSETS, 'index.html'), type: HTML }, who: student.who };
      if (path === `${student.base}/api/info`) return { route: { to: 'info', student }, who: student.who };
      if (path === `${student.base}/graph.svg`) return { route: { to: 'graph', student }, who: student.who };
    }
    return null;
  }

  /** What a websocket names, and whose it is. Null: nothing. */
  function upgradeRoute(url: URL): { upgrade: Upgrade; who: string } | null {
    const node = url.searchParams.get('node');
    if (inClass && url.pathname === '/class/ws/term') {
      const student = byName(url.searchParams.get('lab'));
      // The page names a node of the lab, never an SSH target.
      return student && node !== null && student.o.nodes.includes(node) ? { upgrade: { to: 'watch', student, node }, who: TEACHER } : null;
    }
    for (const student of students) {
      if (url.pathname === `${student.base}/ws/steps`) return { upgrade: { to: 'steps', student }, who: student.who };
      if (url.pathname === `${student.base}/ws/term` && node !== null && student.o.nodes.includes(node))
        return { upgrade: { to: 'term', student, node }, who: student.who };
    }
    return null;
  }

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
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    if (req.method !== 'GET') return plain(res, 405, 'only GET');
    // The first visit: the token of the URL is exchanged for its cookie, and leaves the address bar.
    const first = queryPass(req.url, guard!);
    if (first) {
      res.writeHead(303, { ...securityHeaders(), 'Set-Cookie': sessionCookie(guard!.port, first.token, first.who), Location: withoutToken(req.url) });
      return void res.end();
    }
    if (path === '/favicon.ico') return void res.writeHead(204, securityHeaders()).end();
    const found = route(path, url);
    if (!found) return plain(res, 404, 'not found');
    if (found.who !== null && !holders(req, guard!).has(found.who)) return refuse(res, req, 403, "not this token's");
    const r = found.route;
    if (r.to === 'redirect') return void res.writeHead(303, { ...securityHeaders(), Location: r.location }).end();
    if (r.to === 'info') return json(res, { lab: inClass ? r.student.o.lab : undefined, scenario: o.scenario, nodes: r.student.o.nodes });
    if (r.to === 'class') {
      const board = o.teacher!.board;
      const asked = url.searchParams.get('lesson');
      return json(res, await board.view(board.offers(asked) ? asked : board.lessons[0]!));
    }
    if (r.to === 'graph') {
      const drawn = r.student.ready?.graph?.current();
      if (!drawn) return plain(res, 404, 'no graph yet');
      // An SVG in an <img> runs no script; the CSP forbids it anyway.
      res.writeHead(200, { ...securityHeaders(), 'Content-Type': 'image/svg+xml' });
      return void res.end(drawn.svg);
    }
    const a = await assets.answer(req, r.file, r.type);
    res.writeHead(a.status, { ...securityHeaders(), ...a.headers });
    res.end(a.body ?? undefined);
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
    const found = upgradeRoute(url);
    if (!found) {
      o.log(`refused 404 websocket ${url.pathname}`);
      return rejectUpgrade(socket, 404);
    }
    if (!holders(req, guard!).has(found.who)) {
      o.log(`refused 403 websocket ${url.pathname}: not this token's`);
      return rejectUpgrade(socket, 403);
    }
    const u = found.upgrade;
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (u.to === 'steps') void steps(ws, u.student);
      else if (u.to === 'term') void terminal(ws, u.student, u.node);
      else watch(ws, u.student, u.node);
    });
  });

  async function steps(ws: WebSocket, student: StudentLab): Promise<void> {
    let unsubscribe = () => {};
    ws.on('close', () => unsubscribe());
    let b: WebBackend;
    try {
      b = await student.lab();
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

  async function terminal(ws: WebSocket, student: StudentLab, node: string): Promise<void> {
    // What the page sends while the lab is being reached (its size, first keys) is kept for the shell.
    const early: [RawData, boolean][] = [];
    const keep = (data: RawData, isBinary: boolean) => early.push([data, isBinary]);
    ws.on('message', keep);
    let b: WebBackend;
    try {
      b = await student.lab();
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

  /**
   * The teacher's read-only view of a student's shell: nothing they send is read. A teacher never reaches a
   * lab first (that would start the student's session in their absence): until the student's page has, the
   * watch says so and closes, and the page tries again.
   */
  function watch(ws: WebSocket, student: StudentLab, node: string): void {
    if (!student.ready) {
      ws.send(Buffer.from(`\r\n[${student.o.lab} has not opened their page yet: watching starts once they have]\r\n`), { binary: true });
      ws.close(1013, 'not yet');
      return;
    }
    student.ready.terminals.watch(node, ws);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.listen, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const passes: Pass[] = [...students.map((s) => ({ token: s.o.token, who: s.who })), ...(o.teacher ? [{ token: o.teacher.token, who: TEACHER }] : [])];
  guard = { passes, port, allowedHosts: allowedHosts(o.listen, port) };
  const shown = o.listen === '0.0.0.0' ? '127.0.0.1' : o.listen === '::' ? '::1' : o.listen;
  const at = (path: string, token: string) => `http://${hostPort(shown, port)}${path}?token=${token}`;
  const studentUrls = students.map((s) => ({ lab: s.o.lab, url: at(`${s.base}/`, s.o.token) }));

  return {
    url: o.teacher ? at('/class', o.teacher.token) : studentUrls[0]!.url,
    studentUrls,
    port,
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await o.teacher?.board.stop();
      await Promise.all(students.map((s) => s.close()));
    },
  };
}

function json(res: ServerResponse, body: object): void {
  res.writeHead(200, { ...securityHeaders(), 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
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
