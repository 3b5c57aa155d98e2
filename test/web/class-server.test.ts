/**
 * `lab web --count 3` on loopback, without labs: three student labs of a class and their teacher, each with a
 * token of their own. A student's token opens that student's page, steps and terminals, and nothing of another
 * student's nor the teacher's board; the teacher's opens the board (the labs not being up are rows that say
 * so) and a read-only view of each student's terminals. No token in the server's log.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkedClass } from '../../src/exercise/command.js';
import { stampedLabs } from '../../src/fleet/fleet.js';
import { loadLab } from '../../src/lab/model.js';
import { SCENARIOS_DIR } from '../../src/paths.js';
import { loadLesson } from '../../src/scenario/lesson.js';
import { ClassBoard } from '../../src/web/class.js';
import { newToken } from '../../src/web/security.js';
import { startWebServer, type WebServer } from '../../src/web/server.js';
import { rawGet, rawUpgrade } from '../support/http.js';

const dir = mkdtempSync(join(tmpdir(), 'lab-web-class-'));
writeFileSync(join(dir, 'lab.yaml'), readFileSync(join(import.meta.dirname, '../../lab.yaml'), 'utf8'));
const base = loadLab(join(dir, 'lab.yaml'));
const labs = stampedLabs(base, 3);
const [L1, L2, L3] = labs.map((l) => l.name) as [string, string, string];
const tokens = new Map(labs.map((l) => [l.name, newToken()]));
const teacher = newToken();
const logged: string[] = [];
/** Whose backend each websocket reached. */
const reached: string[] = [];
let server: WebServer;
let origin: string;

beforeAll(async () => {
  server = await startWebServer({
    listen: '127.0.0.1',
    port: 0,
    scenario: 'netns',
    students: labs.map((l) => ({
      lab: l.name,
      token: tokens.get(l.name)!,
      nodes: l.nodes.map((n) => n.name),
      backend: async () => {
        reached.push(l.name);
        throw new Error(`lab '${l.name}' is not up`);
      },
    })),
    teacher: {
      token: teacher,
      board: new ClassBoard({ lessons: ['netns'], check: (name) => checkedClass(base, loadLesson(name, { scenariosDir: SCENARIOS_DIR, lab: base }), 3) }),
    },
    log: (line) => logged.push(line),
  });
  origin = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server.close();
});

const host = () => `127.0.0.1:${server.port}`;
const studentCookie = (lab: string) => `dlab_web_${server.port}_${lab}=${tokens.get(lab)}`;
const teacherCookie = () => `dlab_web_${server.port}_teacher=${teacher}`;

function get(path: string, cookie?: string) {
  return rawGet(server.port, path, { Host: host(), ...(cookie ? { Cookie: cookie } : {}) });
}

function upgrade(path: string, cookie: string) {
  return rawUpgrade(server.port, path, { Origin: origin, Cookie: cookie });
}

describe('URLs and tokens', () => {
  it('one URL per student lab, at its own page, and the teacher’s at /class; each token a different one', () => {
    expect(server.studentUrls).toEqual(labs.map((l) => ({ lab: l.name, url: `${origin}/lab/${l.name}/?token=${tokens.get(l.name)}` })));
    expect(server.url).toBe(`${origin}/class?token=${teacher}`);
    expect(new Set([...tokens.values(), teacher]).size).toBe(4);
  });

  it('a token is exchanged for a cookie of its own holder, the URL left without it', async () => {
    const first = await get(`/lab/${L2}/?token=${tokens.get(L2)}`);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe(`/lab/${L2}/`);
    expect(first.headers['set-cookie']).toEqual([`${studentCookie(L2)}; HttpOnly; SameSite=Strict; Path=/`]);
    const teacherFirst = await get(`/class?token=${teacher}`);
    expect(teacherFirst.headers['set-cookie']).toEqual([`${teacherCookie()}; HttpOnly; SameSite=Strict; Path=/`]);
  });
});

describe("a student's token", () => {
  it('opens that student’s page and what it asks for', async () => {
    const page = await get(`/lab/${L2}/`, studentCookie(L2));
    expect(page.status).toBe(200);
    expect(page.body).toContain('<script type="module" src="/app.js">');
    expect(JSON.parse((await get(`/lab/${L2}/api/info`, studentCookie(L2))).body)).toEqual({
      lab: L2,
      scenario: 'netns',
      nodes: ['docker-node1', 'docker-node2'],
    });
    expect((await get('/app.js', studentCookie(L2))).status).toBe(200);
  });

  it("is refused (403) on another student's page, info and graph, with the cookie or the token in the URL", async () => {
    expect((await get(`/lab/${L3}/`, studentCookie(L2))).status).toBe(403);
    expect((await get(`/lab/${L3}/api/info`, studentCookie(L2))).status).toBe(403);
    expect((await get(`/lab/${L3}/graph.svg`, studentCookie(L2))).status).toBe(403);
    // another student's cookie name with this student's token proves nothing
    expect((await get(`/lab/${L3}/`, `dlab_web_${server.port}_${L3}=${tokens.get(L2)}`)).status).toBe(401);
  });

  it("is refused (403) on another student's /ws/steps and /ws/term, which never reach that lab", async () => {
    const before = reached.length;
    expect((await upgrade(`/lab/${L3}/ws/steps`, studentCookie(L2))).status).toBe(403);
    expect((await upgrade(`/lab/${L3}/ws/term?node=docker-node1`, studentCookie(L2))).status).toBe(403);
    expect((await upgrade(`/lab/${L3}/ws/steps?token=${tokens.get(L2)}`, '')).status).toBe(403);
    expect(reached.length).toBe(before);
  });

  it('reaches its own lab, and only it, on its own websockets', async () => {
    const steps = await upgrade(`/lab/${L2}/ws/steps`, studentCookie(L2));
    expect(steps.status).toBe(101);
    expect(JSON.parse(steps.first!)).toMatchObject({ kind: 'error', message: `lab '${L2}' is not up` });
    const term = await upgrade(`/lab/${L1}/ws/term?node=docker-node2`, studentCookie(L1));
    expect(term.first).toContain(`lab '${L1}' is not up`);
    expect(reached.slice(-2)).toEqual([L2, L1]);
  });

  it('is refused (403) on the teacher’s board, its data, and the watch of any terminal', async () => {
    expect((await get('/class', studentCookie(L2))).status).toBe(403);
    expect((await get('/class/api', studentCookie(L2))).status).toBe(403);
    expect((await get(`/class/watch?lab=${L2}`, studentCookie(L2))).status).toBe(403);
    expect((await get(`/class/info?lab=${L2}`, studentCookie(L2))).status).toBe(403);
    expect((await upgrade(`/class/ws/term?lab=${L2}&node=docker-node1`, studentCookie(L2))).status).toBe(403);
  });

  it('has nothing at the lone lab’s paths: in a class every page is under /lab/NAME/', async () => {
    expect((await get('/', studentCookie(L2))).status).toBe(404);
    expect((await upgrade('/ws/steps', studentCookie(L2))).status).toBe(404);
  });
});

describe("the teacher's token", () => {
  it('opens /class, whose data is the class report: a row per lab, saying it is not up', async () => {
    const page = await get('/class', teacherCookie());
    expect(page.status).toBe(200);
    expect(page.body).toContain('<script type="module" src="/class.js">');
    const answer = await get('/class/api', teacherCookie());
    const view = JSON.parse(answer.body);
    expect(view.lessons).toEqual(['netns']);
    expect(view.report).toMatchObject({ format: 'docker-lab/class@1', scenario: 'netns' });
    expect(view.report.labs.map((r: { lab: string; state: string }) => [r.lab, r.state])).toEqual(labs.map((l) => [l.name, 'not-up']));
    expect(view.report.labs[0].problem).toContain('lab up --count 3');
    // And what the page shows of it, in the words of the terminal's table.
    expect(view.words.headline).toBe('netns on 3 labs: 0 finished');
    expect(view.words.checked).toBe('just now');
    expect(view.words.rows.map((w: { lab: string; state: string }) => [w.lab, w.state])).toEqual(labs.map((l) => [l.name, 'not-up']));
  }, 20_000);

  it("watches a student's terminals (once the student's page has reached the lab), and opens none of the student's own pages or sockets", async () => {
    expect((await get(`/class/watch?lab=${L3}`, teacherCookie())).status).toBe(200);
    expect(JSON.parse((await get(`/class/info?lab=${L3}`, teacherCookie())).body)).toMatchObject({ lab: L3, nodes: ['docker-node1', 'docker-node2'] });
    const before = reached.length;
    const watched = await upgrade(`/class/ws/term?lab=${L3}&node=docker-node1`, teacherCookie());
    expect(watched.status).toBe(101);
    expect(watched.first).toContain(`${L3} has not opened their page yet`);
    expect(reached.length).toBe(before); // a teacher watching never reaches a lab first
    expect((await upgrade(`/class/ws/term?lab=nope&node=docker-node1`, teacherCookie())).status).toBe(404);
    expect((await upgrade(`/class/ws/term?lab=${L3}&node=evil.example`, teacherCookie())).status).toBe(404);
    expect((await get(`/lab/${L3}/`, teacherCookie())).status).toBe(403);
    expect((await upgrade(`/lab/${L3}/ws/term?node=docker-node1`, teacherCookie())).status).toBe(403);
    expect((await upgrade(`/lab/${L3}/ws/steps`, teacherCookie())).status).toBe(403);
  });
});

it('logs what it refused, never a token', () => {
  expect(logged.some((l) => l.startsWith('refused 403'))).toBe(true);
  for (const line of logged) {
    for (const token of [...tokens.values(), teacher]) expect(line).not.toContain(token);
    expect(line).not.toContain('token=');
  }
});
