/**
 * The checks that keep `lab web` (a root shell on the lab's nodes, in a browser tab) to the student who started
 * it, or in a class to each student and their teacher: pure functions of a request's headers, so each is tested on its own. Every HTTP request and every
 * websocket upgrade goes through `refusal` before anything else runs.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh secret per launch: 32 random bytes, URL-safe. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * A token and who holds it. Alone, `lab web` has one holder, the student (`who` is ''); for a class, each student
 * lab has its own (`who` is the lab's name) and the teacher one more (`who` is TEACHER). What each may open is
 * the server's to say; here, only who a request proves to be.
 */
export interface Pass {
  token: string;
  who: string;
}

/** The teacher's `who`: no stamped lab is named so (their names end in `-NN`). */
export const TEACHER = 'teacher';

/**
 * The cookie's name carries the port: cookies are not kept apart by port, and two `lab web` on one machine
 * (two labs) must not overwrite each other's. In a class it carries the holder too, so a teacher's browser that
 * also opens a student's URL keeps both.
 */
export function cookieName(port: number, who = ''): string {
  return who === '' ? `dlab_web_${port}` : `dlab_web_${port}_${who}`;
}

/** The cookie the token is exchanged for: never readable by the page's scripts, never sent by another site. */
export function sessionCookie(port: number, token: string, who = ''): string {
  return `${cookieName(port, who)}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}

/** `host:port` as it appears in a Host header and a URL (an IPv6 address in brackets). */
export function hostPort(address: string, port: number): string {
  return `${address.includes(':') ? `[${address}]` : address}:${port}`;
}

/**
 * The Host headers the server answers: its bound address and `localhost`, at its port. Anything else is a
 * name that points at us from elsewhere (DNS rebinding) and is refused.
 */
export function allowedHosts(address: string, port: number): string[] {
  const hosts = [hostPort(address, port), hostPort('localhost', port)];
  if (address === '127.0.0.1' || address === '0.0.0.0') hosts.push(hostPort('127.0.0.1', port));
  if (address === '::1' || address === '::') hosts.push(hostPort('::1', port));
  return [...new Set(hosts)];
}

export function hostAllowed(host: string | undefined, allowed: readonly string[]): boolean {
  return host !== undefined && allowed.includes(host.toLowerCase());
}

/** A websocket may be opened only by the page itself: its Origin is exactly `http://` + the (allowed) Host. A missing Origin is refused. */
export function originAllowed(origin: string | undefined, host: string | undefined): boolean {
  return origin !== undefined && host !== undefined && origin === `http://${host.toLowerCase()}`;
}

/** The cookies of a Cookie header, by name (the first of a name wins). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';').map((p) => p.trim())) {
    const eq = part.indexOf('=');
    if (eq < 1) continue;
    const name = part.slice(0, eq);
    if (!cookies.has(name)) cookies.set(name, part.slice(eq + 1));
  }
  return cookies;
}

/** Constant-time: both sides hashed to the same length first, so neither the length nor a prefix leaks. */
export function tokenMatches(given: string | null | undefined, token: string): boolean {
  if (!given) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}

/** The token of the URL's query, if any. */
export function queryToken(url: string | undefined): string | null {
  return new URL(url ?? '/', 'http://x').searchParams.get('token');
}

/** The URL without its token (where the first visit is sent once the cookie is set). */
export function withoutToken(url: string | undefined): string {
  const u = new URL(url ?? '/', 'http://x');
  u.searchParams.delete('token');
  return `${u.pathname}${u.search}`;
}

export interface RequestHeads {
  url?: string | undefined;
  headers: { host?: string | undefined; origin?: string | undefined; cookie?: string | undefined };
}

export interface Guard {
  passes: readonly Pass[];
  port: number;
  allowedHosts: readonly string[];
}

/** The pass whose token is in the URL's query (a first visit, to be exchanged for its cookie), if any. */
export function queryPass(url: string | undefined, guard: Guard): Pass | null {
  const given = queryToken(url);
  return guard.passes.find((p) => tokenMatches(given, p.token)) ?? null;
}

/** Who the request proves to be: each pass whose token is in the query or in its own cookie. */
export function holders(req: RequestHeads, guard: Guard): Set<string> {
  const cookies = parseCookies(req.headers.cookie);
  const given = queryToken(req.url);
  const held = guard.passes.filter((p) => tokenMatches(cookies.get(cookieName(guard.port, p.who)), p.token) || tokenMatches(given, p.token));
  return new Set(held.map((p) => p.who));
}

/**
 * Why a request is refused, or null when it may go on: a foreign Host (403) before anything, then on a
 * websocket upgrade a foreign or missing Origin (403), then no pass's token or cookie (401). Whether the holder
 * may open what it asks for comes after, in the server.
 */
export function refusal(req: RequestHeads, guard: Guard, upgrade: boolean): { status: 401 | 403; why: string } | null {
  if (!hostAllowed(req.headers.host, guard.allowedHosts)) return { status: 403, why: 'foreign Host' };
  if (upgrade && !originAllowed(req.headers.origin, req.headers.host)) return { status: 403, why: req.headers.origin ? 'foreign Origin' : 'no Origin' };
  if (holders(req, guard).size === 0) return { status: 401, why: 'no valid token or cookie' };
  return null;
}

/**
 * What the page may load and talk to: only itself. xterm.js writes its own <style> elements for the terminal's
 * colours and sizes, hence style-src 'unsafe-inline' (styles only; no inline script).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** Headers of every answer. */
export function securityHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
    'X-Frame-Options': 'DENY',
  };
}
