/**
 * `lab web` as a student meets it, then as a teacher does, on two real labs (`lab up --count 2`): the server
 * started as the user starts it, its URLs read from its stdout, the pages opened in Debian's Chromium (driven by
 * playwright-core, no browser downloaded). On the first lab alone: the course typed by keyboard into a node's
 * terminal, a command run by a click, a dropped connection survived. Then the class of both: a student's work
 * on the teacher's board, the teacher watching that student's shell and unable to type into it, each student
 * held to their own lab. Every wait is on an event (the page's state, text in a terminal, a process's end) with
 * a generous limit.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLab } from '../../src/lab/model.js';
import { sshConfigPath } from '../../src/lifecycle/targets.js';
import { CHROMIUM_FLAGS } from '../support/chromium.js';
import { type E2eLab, e2eLab, leftovers, ROOT, stampedE2eLabs, waitFor } from '../support/e2e.js';

const DIR = '/var/tmp/docker-lab-web';
const base = e2eLab('dlab-web', DIR, '192.168.228');
/** The two labs of the class; the first is also the lone lab of the first part. */
const [e2e, other] = stampedE2eLabs(base, 2) as [E2eLab, E2eLab];
const progressOf = (lab: E2eLab) => JSON.parse(readFileSync(join(lab.dir, '.docker-lab/exercise/netns.json'), 'utf8'));
const ARTIFACTS = join(DIR, 'artifacts');
const LIMIT_MS = 120_000;
const NODE = 'docker-node1';

/** What the page exposes to tests (app.js's `window.dlab`). */
interface PageApi {
  dlab: {
    sockets: Record<string, WebSocket>;
    terminals: Record<
      string,
      { term: { buffer: { active: { length: number; getLine(i: number): { translateToString(trim: boolean): string } | undefined } } } }
    >;
    dropSockets(): void;
  };
  oldSocket?: WebSocket;
}

let server: { process: ResultPromise; stdout: string; stderr: string } | null = null;
let browser: Browser | null = null;
let token = '';
let page: Page;

/** `lab web --scenario netns ARGS` as a child of its own; resolves with the `lines` of URLs it prints. */
async function startServer(args: string[], lines = 1): Promise<string[]> {
  const process = execa('node', [join(ROOT, 'bin/lab.js'), 'web', '--scenario', 'netns', ...args], {
    cwd: ROOT,
    env: { CI: 'true' },
    reject: false,
    buffer: false,
    forceKillAfterDelay: false,
  });
  const s = { process, stdout: '', stderr: '' };
  process.stdout!.on('data', (d: Buffer) => (s.stdout += d.toString()));
  process.stderr!.on('data', (d: Buffer) => (s.stderr += d.toString()));
  server = s;
  let exited = false;
  void process.then(() => (exited = true));
  await waitFor(
    `${lines} URL line(s) on lab web stdout`,
    () => s.stdout.split('\n').length > lines,
    () => exited,
    LIMIT_MS,
  );
  return s.stdout.split('\n').slice(0, lines);
}

/** A command's output on a node, over plain ssh with the lab's key, as `vagrant ssh` would run it. */
async function onNode(node: string, lab: E2eLab, command: string): Promise<string> {
  const r = await execa('ssh', ['-F', sshConfigPath(loadLab(lab.file)), node, command], { reject: false, stdin: 'ignore' });
  expect(r.exitCode, String(r.stderr)).toBe(0);
  return String(r.stdout);
}

/** The login sessions on a node (`who`). */
const loginsOn = (node: string, lab: E2eLab = e2e) => onNode(node, lab, 'who');

/** The peers (address:port) of the SSH connections a node's sshd holds, the asking one's included. */
const sshPeersOn = async (node: string, lab: E2eLab) =>
  (await onNode(node, lab, "ss -Htn state established '( sport = :22 )'"))
    .split('\n')
    .filter(Boolean)
    .map((line) => line.trim().split(/\s+/).at(-1)!);

/** SIGTERM to the PID we started, and its end. */
async function stopServer() {
  if (!server) return null;
  const s = server;
  server = null;
  s.process.kill('SIGTERM');
  const r = await s.process;
  return { exitCode: r.exitCode, stderr: s.stderr };
}

/** What a node's terminal holds on a page (xterm.js's buffer, scrollback included), as text. */
function terminalText(node: string, on: Page = page): Promise<string> {
  return on.evaluate((n) => {
    const b = (window as unknown as PageApi).dlab.terminals[n]!.term.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < b.length; i++) lines.push(b.getLine(i)?.translateToString(true) ?? '');
    return lines.join('\n');
  }, node);
}

async function seeInTerminal(node: string, text: string, on: Page = page) {
  await waitFor(
    `"${text}" in ${node}'s terminal`,
    async () => (await terminalText(node, on)).includes(text),
    () => false,
    LIMIT_MS,
  );
}

/**
 * Types a line into a node's terminal by keyboard and waits for the shell's next prompt: a student types the
 * next command once the last one ended (keys typed meanwhile go to the command, and `sudo` swallows them).
 */
async function typeLine(node: string, line: string, on: Page = page) {
  const prompts = async () => (await terminalText(node, on)).split(`@${node}:`).length;
  const before = await prompts();
  await on.click(`#term-${node} .xterm`);
  await on.keyboard.type(line);
  await on.keyboard.press('Enter');
  await waitFor(
    `the prompt after "${line}" on ${node}`,
    async () => (await prompts()) > before,
    () => false,
    LIMIT_MS,
  );
}

/** The page, or only what `selector` names of it (a board of two rows is a strip, not a screen). */
async function screenshot(name: string, on: Page = page, selector?: string) {
  const path = join(ARTIFACTS, `${name}.png`);
  await (selector ? on.locator(selector).screenshot({ path }) : on.screenshot({ path }));
  console.log(`screenshot: ${path}`);
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const up = await base.run('up', '--count', '2', '--jobs', '2', '--provider', 'lxc');
  expect(up.exitCode, String(up.all)).toBe(0);
  // Clean lessons: their cleanup run, the progress forgotten.
  for (const lab of [e2e, other]) {
    const reset = await lab.run('exercise', 'netns', '--reset');
    expect(reset.exitCode, String(reset.all)).toBe(0);
  }
});

afterAll(async () => {
  await browser?.close();
  await stopServer();
  const down = await base.run('down', '--count', '2');
  expect(down.exitCode, String(down.all)).toBe(0);
  expect([...(await leftovers(e2e)), ...(await leftovers(other))]).toEqual([]);
});

describe('lab web --scenario netns, in Chromium', () => {
  it('prints a URL on loopback whose token becomes a cookie; the page shows step 1 and a shell on each node', async () => {
    const [url] = (await startServer(['--lab', e2e.file])) as [string];
    token = new URL(url).searchParams.get('token')!;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{43}$/);
    const origin = new URL(url).origin;
    // Nothing without the token.
    const bare = await fetch(`${origin}/`);
    expect(bare.status).toBe(401);

    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS.filter((f) => f !== '--headless') });
    page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    await page.goto(url);
    expect(page.url()).toBe(`${origin}/`); // the token left the address bar
    await page.waitForFunction(() => document.body.dataset.view === 'step' && document.body.dataset.step === '1', null, { timeout: LIMIT_MS });
    for (const node of ['docker-node1', 'docker-node2']) await page.waitForSelector(`#term-${node}[data-connected="true"]`, { timeout: LIMIT_MS });
    await seeInTerminal(NODE, `@${NODE}:`); // its prompt
    expect(await page.textContent('#commands')).toContain('sudo ip netns add test1');
    // The network as lab graph draws it, beside the steps.
    await page.waitForFunction(() => Number(document.getElementById('graph')?.dataset.version) >= 1, null, { timeout: LIMIT_MS });
    await screenshot('1-step-1');
  });

  it("step 1 typed by keyboard in docker-node1's terminal turns done on the page, recorded in lab exercise's progress", async () => {
    const graphBefore = Number(await page.getAttribute('#graph', 'data-version'));
    await typeLine(NODE, 'sudo ip netns add test1');
    await typeLine(NODE, 'sudo ip netns add test2');
    const typed = Date.now();
    await page.waitForFunction(() => document.body.dataset.step === '2', null, { timeout: LIMIT_MS });
    // What the student waits for: the check is polled about once a second.
    console.log(`step 1 shown done ${((Date.now() - typed) / 1000).toFixed(1)} s after its last command ended`);
    expect(await page.textContent('#notice')).toContain('✓ step 1 done');
    // The graph beside it was drawn again, with the new namespaces.
    await page.waitForFunction((v) => Number(document.getElementById('graph')?.dataset.version) > v, graphBefore, { timeout: LIMIT_MS });
    const svg = await page.evaluate(async () => (await fetch('/graph.svg')).text());
    expect(svg).toContain('test1');
    expect(svg).toContain('test2');
    await screenshot('2-step-1-done');
    expect(progressOf(e2e)).toMatchObject({ done: 1, passed: [{ step: 1, how: 'typed' }] });
    // The terminal's `lab exercise` reads the same progress.
    const check = await e2e.run('exercise', 'netns', '--check');
    expect(String(check.all)).toMatch(/passed: t/);
  });

  it("a click on step 2's command types it in docker-node1's shell, and its output appears", async () => {
    // A look: its check holds as it arrives, and the student reads the output, then goes on.
    await page.waitForFunction(() => document.body.dataset.phase === 'held-on-arrival', null, { timeout: LIMIT_MS });
    expect(await page.textContent('#enter')).toBe('Go on (Enter)');
    // What the step names (`ip netns exec test1 ...`, `... test2 ...`) is marked in the network drawn beside it,
    // and what it does not name is not: docker0.
    const marked = () => page.evaluate(() => [...document.querySelectorAll('#graph-svg .subject')].map((e) => e.textContent ?? ''));
    await page.waitForFunction(() => document.querySelectorAll('#graph-svg .subject').length >= 2, null, { timeout: LIMIT_MS });
    for (const ns of ['netns test1', 'netns test2']) expect((await marked()).some((t) => t.includes(ns))).toBe(true);
    expect((await marked()).some((t) => t.includes('docker0'))).toBe(false);
    await page.click('#commands button.cmd');
    await seeInTerminal(NODE, 'sudo ip netns exec test2 ip link');
    await seeInTerminal(NODE, 'link/loopback');
    await screenshot('3-step-2-clicked');
    await page.click('#enter'); // read, and confirmed
    await page.waitForFunction(() => document.body.dataset.step === '3', null, { timeout: LIMIT_MS });
  });

  it('after a dropped websocket the page says so, reconnects, and the terminal is the same shell', async () => {
    await typeLine(NODE, 'export DLAB_MARK=kept-$((6*7))');
    const seen = await page.evaluate(
      () =>
        new Promise<string>((resolve) => {
          const d = (window as unknown as PageApi).dlab;
          (window as unknown as PageApi).oldSocket = d.sockets['docker-node1'];
          d.sockets.steps!.addEventListener('close', () => resolve(`${document.body.dataset.view} ${document.getElementById('conn')!.textContent}`));
          d.dropSockets();
        }),
    );
    expect(seen).toBe('reconnecting reconnecting…');
    await page.waitForFunction(
      () => {
        const d = (window as unknown as PageApi).dlab;
        return d.sockets['docker-node1'] !== (window as unknown as PageApi).oldSocket && d.sockets['docker-node1']?.readyState === 1;
      },
      null,
      { timeout: LIMIT_MS },
    );
    await page.waitForSelector(`#term-${NODE}[data-connected="true"]`, { timeout: LIMIT_MS });
    // The page cleared its terminal on reconnecting: what shows from before the drop is the server's replay.
    await seeInTerminal(NODE, 'export DLAB_MARK=kept-$((6*7))');
    await page.waitForFunction(() => document.body.dataset.view === 'step' && document.body.dataset.step === '3', null, { timeout: LIMIT_MS });
    await typeLine(NODE, 'echo "mark:$DLAB_MARK"');
    await seeInTerminal(NODE, 'mark:kept-42');
    // The shell's pseudo-terminal has the size of the page's terminal.
    const size = await page.evaluate((n) => {
      const t = (window as unknown as { dlab: { terminals: Record<string, { term: { rows: number; cols: number } }> } }).dlab.terminals[n]!.term;
      return `${t.rows} ${t.cols}`;
    }, NODE);
    await typeLine(NODE, 'echo "size:$(stty size)"');
    await seeInTerminal(NODE, `size:${size}`);
    await screenshot('4-after-reconnect');
  });

  it('Lessons offers the choice; netns chosen again resumes at step 3 from the same progress', async () => {
    await page.click('#lessons');
    await page.waitForFunction(() => document.body.dataset.view === 'choose', null, { timeout: LIMIT_MS });
    expect(await page.locator('button.choose').allTextContents()).toContain('netns');
    await screenshot('5-lessons');
    await page.click('button.choose[data-scenario="netns"]');
    await page.waitForFunction(() => document.body.dataset.view === 'step' && document.body.dataset.step === '3', null, { timeout: LIMIT_MS });
  });

  it('Solve runs step 3 for the student on the node: step 4 in hand, recorded as solved', async () => {
    await page.click('#solve');
    await page.waitForFunction(() => document.body.dataset.step === '4', null, { timeout: LIMIT_MS });
    expect(await page.textContent('#notice')).toContain('✓ step 3 done for you');
    expect(progressOf(e2e).passed).toMatchObject([
      { step: 1, how: 'typed' },
      { step: 2, how: 'confirmed' },
      { step: 3, how: 'solved' },
    ]);
  });

  it('stops on SIGTERM: the session saved (step 4 in hand), the shells and SSH connections closed', async () => {
    // The page's shells are login sessions on the node's pseudo-terminals while the server runs.
    expect(await loginsOn(NODE)).toMatch(/pts\//);
    const stopped = await stopServer();
    // 143, as every lab command ends on SIGTERM, after finishing its cleanup.
    expect(stopped?.exitCode, stopped?.stderr).toBe(143);
    expect(stopped?.stderr).toContain('lab web: stopped: shells and SSH connections closed');
    // The token was printed once, on stdout; the server's log (stderr) never holds it.
    expect(token).not.toBe('');
    expect(stopped?.stderr).not.toContain(token);
    expect(stopped?.stderr).toContain('lab web: connected to docker-node1, docker-node2');
    expect(progressOf(e2e).done).toBe(3);
    // And none is left on the node once it stopped (sshd ends them as the connections close).
    await waitFor(
      `no login session left on ${NODE}`,
      async () => !/pts\//.test(await loginsOn(NODE)),
      () => false,
      LIMIT_MS,
    );
  });
});

describe('lab web --count 2: a class on the two labs, in Chromium', () => {
  let urls: Record<string, string> = {};
  let teacher: BrowserContext;
  let board: Page;
  let student: Page;
  let watching: Page;
  /** The cells of a lab's row on the board: lab, done, in hand, passed, last change, terminals. */
  const rowOf = (lab: E2eLab) => board.locator(`#labs tr[data-lab="${lab.name}"] td`).allTextContents();

  it("prints a URL per student lab and the teacher's; the board shows each lab as its state and progress have it", async () => {
    const lines = await startServer(['--count', '2', '--lab', base.file], 3);
    urls = Object.fromEntries(lines.map((l) => l.split(' ') as [string, string]));
    expect(Object.keys(urls)).toEqual([e2e.name, other.name, 'teacher']);
    for (const [who, url] of Object.entries(urls)) {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/.*\?token=[\w-]{43}$/);
      if (who !== 'teacher') expect(new URL(url).pathname).toBe(`/lab/${who}/`);
    }
    teacher = await browser!.newContext({ viewport: { width: 1400, height: 900 } });
    board = await teacher.newPage();
    await board.goto(urls.teacher!);
    await board.waitForSelector(`#labs tr[data-lab="${other.name}"]`, { timeout: LIMIT_MS });
    // The first lab as the first part left it: steps 1 to 3 typed, confirmed, solved; the second not begun.
    expect(await rowOf(e2e)).toEqual([
      e2e.name,
      expect.stringMatching(/^3\//),
      expect.stringMatching(/^4 /),
      expect.stringMatching(/^tcs\./),
      expect.any(String),
      'watch',
    ]);
    expect(await rowOf(other)).toEqual([other.name, expect.stringMatching(/^0\//), '(not begun)', '-', '-', 'watch']);
    await screenshot('6-class-board', board, 'main');
  });

  it("the second student's step 1, typed in their page, shows on the board as typed", async () => {
    const context = await browser!.newContext({ viewport: { width: 1400, height: 900 } });
    student = await context.newPage();
    await student.goto(urls[other.name]!);
    expect(student.url()).toBe(new URL(urls[other.name]!).href.replace(/\?token=.*/, ''));
    await student.waitForFunction(() => document.body.dataset.view === 'step' && document.body.dataset.step === '1', null, { timeout: LIMIT_MS });
    await student.waitForSelector(`#term-${NODE}[data-connected="true"]`, { timeout: LIMIT_MS });
    await seeInTerminal(NODE, `@${NODE}:`, student);
    await typeLine(NODE, 'sudo ip netns add test1', student);
    await typeLine(NODE, 'sudo ip netns add test2', student);
    await student.waitForFunction(() => document.body.dataset.step === '2', null, { timeout: LIMIT_MS });
    // The board asks again every few seconds. Its state shows two steps done: step 2 is a look, true once step 1 is.
    await waitFor(
      `${other.name}'s step 1 on the board`,
      async () => /^t\./.test((await rowOf(other))[3] ?? ''),
      () => false,
      LIMIT_MS,
    );
    expect(await rowOf(other)).toEqual([
      other.name,
      expect.stringMatching(/^2\//),
      expect.stringMatching(/^2 /),
      expect.stringMatching(/^t\./),
      expect.any(String),
      'watch',
    ]);
    await screenshot('7-class-board-after-step-1', board, 'main');
  });

  it("the board keeps each lab's SSH connections from one look to the next", async () => {
    // The first lab has no page open in the class: whatever connects to it is the board.
    const checkedAt = () => board.evaluate(async () => (await (await fetch('/class/api')).json()).checkedAt as string);
    const before = await sshPeersOn(NODE, e2e);
    // Two new looks, so that one ran whole between the two readings.
    let [looks, last] = [0, await checkedAt()];
    await waitFor(
      'two new looks of the board',
      async () => {
        const now = await checkedAt();
        if (now !== last) [looks, last] = [looks + 1, now];
        return looks >= 2;
      },
      () => false,
      LIMIT_MS,
    );
    const after = await sshPeersOn(NODE, e2e);
    // Our own ssh comes from a new port each time: what is in both is the board's connection, kept.
    expect(before.filter((peer) => after.includes(peer))).toHaveLength(1);
  });

  it("the teacher's watch shows the student's shell, scrollback then live, and nothing the watcher sends reaches it", async () => {
    const opened = teacher.waitForEvent('page');
    await board.click(`#labs tr[data-lab="${other.name}"] a`);
    watching = await opened;
    await watching.waitForSelector(`#term-${NODE}[data-connected="true"]`, { timeout: LIMIT_MS });
    await seeInTerminal(NODE, 'sudo ip netns add test2', watching); // the scrollback
    // Above the terminals, the student's row of the board.
    await watching.waitForFunction(() => /in hand: 2 a new namespace/.test(document.getElementById('standing')?.textContent ?? ''), null, {
      timeout: LIMIT_MS,
    });
    expect(await watching.textContent('#standing')).toMatch(/^netns: 2\/12 done · in hand: 2 .* · passed t\./);
    // Keys typed into the watch, and input sent on the watch's own socket as a page could: the server reads none.
    await watching.click(`#term-${NODE} .xterm`);
    await watching.keyboard.type('echo typed-by-teacher');
    await watching.keyboard.press('Enter');
    const sent = await watching.evaluate(
      ({ lab, node }) =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(`ws://${location.host}/class/ws/term?lab=${lab}&node=${node}`);
          ws.onopen = () => {
            ws.send(JSON.stringify({ type: 'input', data: 'echo sent-by-teacher\r' }));
            ws.send(new TextEncoder().encode('echo sent-raw-by-teacher\r'));
            // Sent once the socket has handed every byte on: the student's next line reaches the server after them.
            const drained = () => (ws.bufferedAmount === 0 ? resolve('sent') : setTimeout(drained, 10));
            drained();
          };
          ws.onerror = () => resolve('refused');
        }),
      { lab: other.name, node: NODE },
    );
    expect(sent).toBe('sent');
    // What the student types next is seen live; by then anything the watcher sent would have reached the shell.
    await typeLine(NODE, 'echo "live-$((6*7))"', student);
    await seeInTerminal(NODE, 'live-42', watching);
    for (const on of [student, watching]) expect(await terminalText(NODE, on)).not.toMatch(/by-teacher/);
    await screenshot('8-class-watch', watching);
  });

  it("a student's cookie opens their own lab and nothing else: not the other's page, graph, progress or the board", async () => {
    const statuses = await student.evaluate(
      async (paths) => Promise.all(paths.map(async (p) => (await fetch(p)).status)),
      [
        `/lab/${other.name}/api/info`,
        `/lab/${e2e.name}/`,
        `/lab/${e2e.name}/api/info`,
        `/lab/${e2e.name}/graph.svg`,
        '/class',
        '/class/api',
        `/class/watch?lab=${e2e.name}`,
      ],
    );
    expect(statuses).toEqual([200, 403, 403, 403, 403, 403, 403]);
  });

  it("stops on SIGTERM: the class's shells and SSH connections closed, no token in its log", async () => {
    const stopped = await stopServer();
    expect(stopped?.exitCode, stopped?.stderr).toBe(143);
    expect(stopped?.stderr).toContain('lab web: stopped: shells and SSH connections closed');
    for (const url of Object.values(urls)) expect(stopped?.stderr).not.toContain(new URL(url).searchParams.get('token')!);
    // And no login session is left on the student's node once it stopped.
    await waitFor(
      `no login session left on ${other.name}'s ${NODE}`,
      async () => !/pts\//.test(await loginsOn(NODE, other)),
      () => false,
      LIMIT_MS,
    );
  });
});
