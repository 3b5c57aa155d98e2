/**
 * `lab web` as a student meets it, on a lab of its own: the server started as the user starts it, its URL read
 * from its stdout, the page opened in Debian's Chromium (driven by playwright-core, no browser downloaded), the
 * course typed by keyboard into a node's terminal, a command run by a click, a dropped connection survived.
 * Every wait is on an event (the page's state, text in a terminal, a process's end) with a generous limit.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLab } from '../../src/lab/model.js';
import { sshConfigPath } from '../../src/lifecycle/targets.js';
import { CHROMIUM_FLAGS } from '../support/chromium.js';
import { e2eLab, leftovers, ROOT, waitFor } from '../support/e2e.js';

const DIR = '/var/tmp/docker-lab-web';
const e2e = e2eLab('dlab-web', DIR, '192.168.228');
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

/** `lab web --scenario netns` as a child of its own; resolves with the URL it prints. */
async function startServer(): Promise<string> {
  const process = execa('node', [join(ROOT, 'bin/lab.js'), 'web', '--scenario', 'netns', '--lab', e2e.file], {
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
    'the URL on lab web stdout',
    () => /\n/.test(s.stdout),
    () => exited,
    LIMIT_MS,
  );
  return s.stdout.split('\n')[0]!;
}

/** The login sessions on a node (`who`), read over plain ssh with the lab's key, as `vagrant ssh` would. */
async function loginsOn(node: string): Promise<string> {
  const r = await execa('ssh', ['-F', sshConfigPath(loadLab(e2e.file)), node, 'who'], { reject: false, stdin: 'ignore' });
  expect(r.exitCode, String(r.stderr)).toBe(0);
  return String(r.stdout);
}

/** SIGTERM to the PID we started, and its end. */
async function stopServer() {
  if (!server) return null;
  const s = server;
  server = null;
  s.process.kill('SIGTERM');
  const r = await s.process;
  return { exitCode: r.exitCode, stderr: s.stderr };
}

/** What a node's terminal holds (xterm.js's buffer, scrollback included), as text. */
function terminalText(node: string): Promise<string> {
  return page.evaluate((n) => {
    const b = (window as unknown as PageApi).dlab.terminals[n]!.term.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < b.length; i++) lines.push(b.getLine(i)?.translateToString(true) ?? '');
    return lines.join('\n');
  }, node);
}

async function seeInTerminal(node: string, text: string) {
  await waitFor(
    `"${text}" in ${node}'s terminal`,
    async () => (await terminalText(node)).includes(text),
    () => false,
    LIMIT_MS,
  );
}

/**
 * Types a line into a node's terminal by keyboard and waits for the shell's next prompt: a student types the
 * next command once the last one ended (keys typed meanwhile go to the command, and `sudo` swallows them).
 */
async function typeLine(node: string, line: string) {
  const prompts = async () => (await terminalText(node)).split(`@${node}:`).length;
  const before = await prompts();
  await page.click(`#term-${node} .xterm`);
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
  await waitFor(
    `the prompt after "${line}" on ${node}`,
    async () => (await prompts()) > before,
    () => false,
    LIMIT_MS,
  );
}

async function screenshot(name: string) {
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path });
  console.log(`screenshot: ${path}`);
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const up = await e2e.run('up', '--provider', 'lxc');
  expect(up.exitCode, String(up.all)).toBe(0);
  // A clean lesson: its cleanup run, the progress forgotten.
  const reset = await e2e.run('exercise', 'netns', '--reset');
  expect(reset.exitCode, String(reset.all)).toBe(0);
});

afterAll(async () => {
  await browser?.close();
  await stopServer();
  const down = await e2e.run('down');
  expect(down.exitCode, String(down.all)).toBe(0);
  expect(await leftovers(e2e)).toEqual([]);
});

describe('lab web --scenario netns, in Chromium', () => {
  it('prints a URL on loopback whose token becomes a cookie; the page shows step 1 and a shell on each node', async () => {
    const url = await startServer();
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
    const progress = JSON.parse(readFileSync(join(DIR, '.docker-lab/exercise/netns.json'), 'utf8'));
    expect(progress).toMatchObject({ done: 1, passed: [{ step: 1, how: 'typed' }] });
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
    const progress = JSON.parse(readFileSync(join(DIR, '.docker-lab/exercise/netns.json'), 'utf8'));
    expect(progress.passed).toMatchObject([
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
    const progress = JSON.parse(readFileSync(join(DIR, '.docker-lab/exercise/netns.json'), 'utf8'));
    expect(progress.done).toBe(3);
    // And none is left on the node once it stopped (sshd ends them as the connections close).
    await waitFor(
      `no login session left on ${NODE}`,
      async () => !/pts\//.test(await loginsOn(NODE)),
      () => false,
      LIMIT_MS,
    );
  });
});
