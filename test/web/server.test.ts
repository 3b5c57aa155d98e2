/**
 * The server of `lab web` on loopback, without a lab (the lab part is made on the first websocket, and here it
 * says the lab is not up): what it refuses, with real HTTP requests and a real websocket client, and that the
 * token is in nothing it logs.
 */
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newToken } from '../../src/web/security.js';
import { startWebServer, type WebServer } from '../../src/web/server.js';
import { rawGet, rawUpgrade } from '../support/http.js';

const token = newToken();
const logged: string[] = [];
let server: WebServer;
let origin: string;
let backendCalls = 0;

beforeAll(async () => {
  server = await startWebServer({
    listen: '127.0.0.1',
    port: 0,
    scenario: 'netns',
    students: [
      {
        lab: 'test',
        token,
        nodes: ['docker-node1', 'docker-node2'],
        backend: async () => {
          backendCalls++;
          throw new Error("lab 'test' is not up");
        },
      },
    ],
    log: (line) => logged.push(line),
  });
  origin = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server.close();
});

const get = (path: string, headers: Record<string, string>) => rawGet(server.port, path, headers);

const host = () => `127.0.0.1:${server.port}`;
const cookie = () => `dlab_web_${server.port}=${token}`;

const upgrade = (path: string, headers: Record<string, string>) => rawUpgrade(server.port, path, headers);

describe('HTTP', () => {
  it('prints a URL on loopback with the token, which it exchanges for an HttpOnly SameSite=Strict cookie and a redirect without it', async () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${token}`);
    const first = await get(`/?token=${token}`, { Host: host() });
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    expect(first.headers['set-cookie']).toEqual([`dlab_web_${server.port}=${token}; HttpOnly; SameSite=Strict; Path=/`]);
    const page = await get('/', { Host: host(), Cookie: cookie() });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<script type="module" src="/app.js">');
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves xterm.js from node_modules, to the page only', async () => {
    const xterm = await get('/vendor/xterm.mjs', { Host: host(), Cookie: cookie() });
    expect(xterm.status).toBe(200);
    expect(xterm.headers['content-type']).toMatch(/^text\/javascript/);
    expect(xterm.body).toContain('xterm.js');
    expect((await get('/vendor/xterm.mjs', { Host: host() })).status).toBe(401);
  });

  it("sends the page's files gzipped to a browser that takes them, and 304 for the version it kept; the API is never kept", async () => {
    const plainXterm = await get('/vendor/xterm.mjs', { Host: host(), Cookie: cookie() });
    const zipped = await get('/vendor/xterm.mjs', { Host: host(), Cookie: cookie(), 'Accept-Encoding': 'gzip, deflate, br' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(zipped.raw).equals(plainXterm.raw)).toBe(true);
    expect(zipped.raw.length).toBeLessThan(plainXterm.raw.length / 3);
    expect(plainXterm.headers['content-encoding']).toBeUndefined();
    expect(zipped.headers['cache-control']).toBe('no-cache');
    const etag = String(zipped.headers.etag);
    const kept = await get('/vendor/xterm.mjs', { Host: host(), Cookie: cookie(), 'If-None-Match': etag });
    expect(kept.status).toBe(304);
    expect(kept.raw.length).toBe(0);
    // The check of the token comes first: a kept file is no way in.
    expect((await get('/vendor/xterm.mjs', { Host: host(), 'If-None-Match': etag })).status).toBe(401);
    const info = await get('/api/info', { Host: host(), Cookie: cookie(), 'Accept-Encoding': 'gzip' });
    expect(info.headers['cache-control']).toBe('no-store');
  });

  it('401 without the token or the cookie, or with wrong ones', async () => {
    expect((await get('/', { Host: host() })).status).toBe(401);
    expect((await get('/?token=wrong', { Host: host() })).status).toBe(401);
    expect((await get('/api/info', { Host: host(), Cookie: `dlab_web_${server.port}=wrong` })).status).toBe(401);
  });

  it('403 on a foreign Host, even with the token (DNS rebinding)', async () => {
    expect((await get(`/?token=${token}`, { Host: `evil.example:${server.port}` })).status).toBe(403);
    expect((await get('/', { Host: `evil.example:${server.port}`, Cookie: cookie() })).status).toBe(403);
    expect((await get('/', { Host: `localhost:${server.port}`, Cookie: cookie() })).status).toBe(200);
  });

  it('names the nodes of its own lab, and 404 on anything else', async () => {
    const info = await get('/api/info', { Host: host(), Cookie: cookie() });
    expect(JSON.parse(info.body)).toEqual({ scenario: 'netns', nodes: ['docker-node1', 'docker-node2'] });
    expect((await get('/etc/passwd', { Host: host(), Cookie: cookie() })).status).toBe(404);
    // no lab, no graph; and never to a stranger
    expect((await get('/graph.svg', { Host: host(), Cookie: cookie() })).status).toBe(404);
    expect((await get('/graph.svg', { Host: host() })).status).toBe(401);
    expect((await get('/../package.json', { Host: host(), Cookie: cookie() })).status).toBe(404);
  });
});

describe('websocket upgrades', () => {
  it("opens with the page's Origin and the cookie (the lab not being up is then said on the socket)", async () => {
    const r = await upgrade('/ws/steps', { Origin: origin, Cookie: cookie() });
    expect(r.status).toBe(101);
    expect(JSON.parse(r.first!)).toMatchObject({ kind: 'error', message: "lab 'test' is not up" });
  });

  it('403 from a foreign Origin, or with no Origin at all', async () => {
    const before = backendCalls;
    expect((await upgrade('/ws/steps', { Origin: 'http://evil.example', Cookie: cookie() })).status).toBe(403);
    expect((await upgrade('/ws/term?node=docker-node1', { Origin: `http://localhost:${server.port}`, Cookie: cookie() })).status).toBe(403);
    expect((await upgrade('/ws/steps', { Cookie: cookie() })).status).toBe(403);
    expect(backendCalls).toBe(before); // nothing of the lab was touched
  });

  it('403 on a foreign Host; 401 without the cookie or the token', async () => {
    expect((await upgrade('/ws/steps', { Host: `evil.example:${server.port}`, Origin: `http://evil.example:${server.port}`, Cookie: cookie() })).status).toBe(
      403,
    );
    expect((await upgrade('/ws/steps', { Origin: origin })).status).toBe(401);
    expect((await upgrade('/ws/steps', { Origin: origin, Cookie: `dlab_web_${server.port}=wrong` })).status).toBe(401);
  });

  it('404 for a terminal on a node that is not of the lab (the page never names an SSH target)', async () => {
    expect((await upgrade('/ws/term?node=evil.example', { Origin: origin, Cookie: cookie() })).status).toBe(404);
    expect((await upgrade('/ws/term', { Origin: origin, Cookie: cookie() })).status).toBe(404);
  });
});

it('logs what it refused, never the token', () => {
  expect(logged.some((l) => l.startsWith('refused 401'))).toBe(true);
  expect(logged.some((l) => l.startsWith('refused 403'))).toBe(true);
  expect(logged).toContain('refused 403 websocket /ws/steps: no Origin');
  for (const line of logged) {
    expect(line).not.toContain(token);
    expect(line).not.toContain('token=');
  }
});
