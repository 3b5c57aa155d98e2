/**
 * `npm run bench -- --web [--lab FILE]` and `--web-labs N [--lab BASE]`: `lab web` as students meet it, in
 * Debian's Chromium driven by playwright-core (no browser downloaded), against the real server started as the
 * CLI starts it:
 *  - on one lab that is up (`--web`): how long after a command's effect on the node (netns step 1, typed over
 *    plain ssh, not through the page) the page shows the step done; keystroke echo in a node's terminal; the
 *    page's weight on a first load and loaded again; what the server and Chromium hold with that page open;
 *  - a class (`--web-labs N`): N labs stamped from BASE and brought up as `lab up --count N` does, one
 *    `lab web --count N` server, the N student pages open at once in one Chromium; what the host holds, and the
 *    echo on one page meanwhile; then the teacher's board's look at the class, with new SSH connections each
 *    time and with them kept, side by side. Everything brought up is brought down, and checked gone.
 * With both, `--web` measures the first `--lab` and the class is stamped from the last. It reports; it asserts
 * nothing.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { type Browser, chromium, type Page, type Request } from 'playwright-core';
import { checkedClass, type Reach } from '../src/exercise/command.js';
import { forgetProgress } from '../src/exercise/progress.js';
import { fleetDown, fleetUp } from '../src/fleet/fleet.js';
import type { Lab } from '../src/lab/model.js';
import { stampLabs } from '../src/lifecycle/derived-labs.js';
import { requireTargets, sshConfigPath } from '../src/lifecycle/targets.js';
import { PROJECT_ROOT, SCENARIOS_DIR } from '../src/paths.js';
import { providerNamed } from '../src/providers/index.js';
import { loadLesson } from '../src/scenario/lesson.js';
import { KeptPools } from '../src/ssh/kept-pools.js';
import { CHROMIUM_FLAGS } from '../test/support/chromium.js';
import { leftovers } from './labs.js';
import { type HostHeld, type Look, renderWeb, type WebClassFigures, type WebFigures } from './report.js';

const LESSON = 'netns';
const STEP_1 = 'sudo ip netns add test1 && sudo ip netns add test2';
const LIMIT_MS = 180_000;
/** Keys typed on one line before it is cleared (Ctrl-U): the line never wraps, so its end is the echo. */
const LINE_KEYS = 16;
/** Looks at the class timed each way. */
const LOOKS = 5;
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

export interface WebBenchOptions {
  /** The lab `--web` measures (up), or null. */
  one: Lab | null;
  /** The lab file a class is stamped from, with its size, or null. */
  many: { base: Lab; count: number; jobs: number } | null;
  runs: number;
  keys: number;
}

interface Server {
  pid: number;
  process: ResultPromise;
  lines: string[];
  stderr: string;
}

/** What the page exposes (app.js's `window.dlab`), and what the bench adds to it. */
interface BenchWindow {
  dlab: { terminals: Record<string, { term: Xterm }> };
  benchEcho: { arm(expect: string): void; result(): Promise<number>; atPrompt(): boolean };
  benchStepAt: number;
}
interface Xterm {
  buffer: { active: { baseY: number; cursorY: number; getLine(i: number): { translateToString(trim: boolean): string } | undefined } };
  onWriteParsed(listener: () => void): void;
}

/** `lab web --scenario netns` (with `--count N`, a class) as a child; resolves once it printed its URLs. */
async function startServer(lab: Lab, count?: number): Promise<Server> {
  const args = ['web', '--scenario', LESSON, '--lab', lab.file, ...(count ? ['--count', String(count)] : [])];
  const child = execa('node', [join(PROJECT_ROOT, 'bin/lab.js'), ...args], {
    cwd: PROJECT_ROOT,
    env: { CI: 'true' },
    reject: false,
    buffer: false,
    forceKillAfterDelay: false,
  });
  const s: Server = { pid: child.pid!, process: child, lines: [], stderr: '' };
  let out = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    s.lines = out.split('\n').filter(Boolean);
  });
  child.stderr!.on('data', (d: Buffer) => (s.stderr += d.toString()));
  let exited = false;
  void child.then(() => (exited = true));
  const want = count ? count + 1 : 1;
  const deadline = Date.now() + LIMIT_MS;
  while (s.lines.length < want) {
    if (exited || Date.now() > deadline) throw new Error(`lab web ${args.join(' ')} printed no URL:\n${s.stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return s;
}

async function stopServer(s: Server): Promise<void> {
  s.process.kill('SIGTERM');
  await s.process;
}

/** The CLI as a user runs it, to its end; its output only if it failed. */
async function cli(lab: Lab, ...args: string[]): Promise<void> {
  const r = await execa('node', [join(PROJECT_ROOT, 'bin/lab.js'), ...args, '--lab', lab.file], { env: { CI: 'true' }, reject: false, all: true });
  if (r.exitCode !== 0) throw new Error(`lab ${args.join(' ')} failed:\n${r.all}`);
}

function launch(): Promise<Browser> {
  // playwright adds its own headless flag.
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS.filter((f) => f !== '--headless') });
}

const newPage = async (browser: Browser): Promise<Page> => (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();

/** A student's page in a context of its own (its own cookies), once it shows step 1 and a shell on each node. */
async function openPage(browser: Browser, url: string, nodes: readonly string[]): Promise<Page> {
  const page = await newPage(browser);
  await page.goto(url, { timeout: LIMIT_MS });
  await shown(page, nodes);
  return page;
}

/** Until the page shows step 1 and a connected shell on each node. */
async function shown(page: Page, nodes: readonly string[]): Promise<void> {
  await page.waitForFunction(() => document.body.dataset.view === 'step' && document.body.dataset.step === '1', null, { timeout: LIMIT_MS });
  for (const node of nodes) await page.waitForSelector(`#term-${node}[data-connected="true"]`, { timeout: LIMIT_MS });
}

type Weight = WebFigures['weight'];

/** Every HTTP request of `page` until it is loaded whole and the network idle: their sizes as sent (gzipped, when they were). */
async function weighed(page: Page, load: () => Promise<unknown>): Promise<Weight> {
  const requests: Request[] = [];
  let websockets = 0;
  const onRequest = (r: Request) => requests.push(r);
  const onSocket = () => websockets++;
  page.on('request', onRequest);
  page.on('websocket', onSocket);
  try {
    await load();
    await page.waitForLoadState('networkidle', { timeout: 30_000 }).catch(() => undefined);
  } finally {
    page.off('request', onRequest);
    page.off('websocket', onSocket);
  }
  const sized = await Promise.all(
    requests.map(async (r) => {
      const s = await r.sizes().catch(() => null);
      return { path: new URL(r.url()).pathname, bytes: s ? s.responseBodySize + s.responseHeadersSize : 0 };
    }),
  );
  return {
    requests: sized.length,
    bytes: sized.reduce((a, r) => a + r.bytes, 0),
    websockets,
    largest: [...sized].sort((a, b) => b.bytes - a.bytes).slice(0, 4),
  };
}

/** A first load, then the same page loaded again (what the browser kept is revalidated, not sent again). */
async function loads(browser: Browser, url: string, nodes: readonly string[]): Promise<{ page: Page; weight: Weight; again: Weight }> {
  const page = await newPage(browser);
  const whole = async () => {
    await shown(page, nodes);
    await page.waitForFunction(() => Number(document.getElementById('graph')?.dataset.version) >= 1, null, { timeout: LIMIT_MS });
  };
  const weight = await weighed(page, () => page.goto(url, { timeout: LIMIT_MS }).then(whole));
  const again = await weighed(page, () => page.reload({ timeout: LIMIT_MS }).then(whole));
  return { page, weight, again };
}

/**
 * Back to a fresh step 1: the lesson left for the choice (its session ends, progress saved), `lab exercise
 * netns --reset` (cleanup on the node, progress forgotten), the lesson chosen again.
 */
async function backToStep1(page: Page, one: Lab): Promise<void> {
  await page.click('#lessons');
  await page.waitForFunction(() => document.body.dataset.view === 'choose', null, { timeout: LIMIT_MS });
  await cli(one, 'exercise', LESSON, '--reset');
  await page.click(`button.choose[data-scenario="${LESSON}"]`);
  await page.waitForFunction(() => document.body.dataset.view === 'step' && document.body.dataset.step === '1', null, { timeout: LIMIT_MS });
}

/** Step 1's commands over plain ssh on the node; ms from their return to the page showing step 2 in hand. */
async function stepShown(page: Page, one: Lab): Promise<number> {
  await page.evaluate(() => {
    const w = window as unknown as BenchWindow;
    w.benchStepAt = 0;
    new MutationObserver((_, observer) => {
      if (document.body.dataset.step !== '2') return;
      w.benchStepAt = Date.now();
      observer.disconnect();
    }).observe(document.body, { attributes: true, attributeFilter: ['data-step'] });
  });
  await execa('ssh', ['-F', sshConfigPath(one), one.nodes[0]!.name, STEP_1], { stdin: 'ignore' });
  const returned = Date.now();
  await page.waitForFunction(() => (window as unknown as BenchWindow).benchStepAt > 0, null, { timeout: LIMIT_MS });
  return (await page.evaluate(() => (window as unknown as BenchWindow).benchStepAt)) - returned;
}

/**
 * `keys` keys typed by keyboard into the node's terminal at its prompt, each timed in the page from its keydown
 * to the moment xterm.js has parsed the shell's echo into its buffer (the cursor's line ends with what was typed).
 * The line is cleared with Ctrl-U every LINE_KEYS keys, and at the end: nothing runs.
 */
async function echo(page: Page, node: string, keys: number): Promise<number[]> {
  await page.waitForFunction(
    (n) => {
      const b = (window as unknown as BenchWindow).dlab.terminals[n]!.term.buffer.active;
      const line =
        b
          .getLine(b.baseY + b.cursorY)
          ?.translateToString(true)
          .trimEnd() ?? '';
      return line.includes(`@${n}:`) && line.endsWith('$');
    },
    node,
    { timeout: LIMIT_MS },
  );
  await page.click(`#term-${node} .xterm`);
  // No named function inside: tsx (esbuild's keepNames) would wrap it in a `__name` the page does not have.
  await page.evaluate((n) => {
    const term = (window as unknown as BenchWindow).dlab.terminals[n]!.term;
    const s = {
      expect: '',
      t0: 0,
      took: -1,
      done: null as ((ms: number) => void) | null,
      // The cursor's line; trimmed here, as the cells the prompt's trailing space wrote are kept by xterm.js.
      line() {
        const b = term.buffer.active;
        return (
          b
            .getLine(b.baseY + b.cursorY)
            ?.translateToString(true)
            .trimEnd() ?? ''
        );
      },
    };
    const prompt = s.line();
    // Capture phase: before xterm.js's own handler turns the key into input.
    window.addEventListener(
      'keydown',
      () => {
        s.t0 ||= performance.now();
      },
      true,
    );
    term.onWriteParsed(() => {
      if (!s.expect || s.took >= 0 || !s.t0 || !s.line().endsWith(s.expect)) return;
      s.took = performance.now() - s.t0;
      s.done?.(s.took);
    });
    (window as unknown as BenchWindow).benchEcho = {
      arm(e) {
        s.expect = e;
        s.t0 = 0;
        s.took = -1;
        s.done = null;
      },
      result() {
        return new Promise((resolve, reject) => {
          if (s.took >= 0) return resolve(s.took);
          s.done = resolve;
          setTimeout(() => reject(new Error(`no echo of "${s.expect}" in 30 s`)), 30_000);
        });
      },
      atPrompt() {
        return s.line() === prompt;
      },
    };
  }, node);
  const samples: number[] = [];
  let typed = '';
  const clear = async () => {
    await page.evaluate(() => (window as unknown as BenchWindow).benchEcho.arm(''));
    await page.keyboard.press('Control+U');
    await page.waitForFunction(() => (window as unknown as BenchWindow).benchEcho.atPrompt(), null, { timeout: LIMIT_MS });
    typed = '';
  };
  for (let i = 0; i < keys; i++) {
    if (typed.length === LINE_KEYS) await clear();
    const key = LETTERS[i % LETTERS.length]!;
    typed += key;
    await page.evaluate((e) => (window as unknown as BenchWindow).benchEcho.arm(e), typed);
    await page.keyboard.type(key);
    samples.push(await page.evaluate(() => (window as unknown as BenchWindow).benchEcho.result()));
  }
  await clear();
  return samples;
}

/** Every process by its parent, from /proc (a process may end while we look). */
async function children(): Promise<Map<number, number[]>> {
  const parents = new Map<number, number[]>();
  for (const pid of (await readdir('/proc')).filter((p) => /^\d+$/.test(p))) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    if (!stat) continue;
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    parents.set(ppid, [...(parents.get(ppid) ?? []), Number(pid)]);
  }
  return parents;
}

/** The Chromium playwright launched (a child of this process, Debian's wrapper exec'd) and all under it. */
async function chromiumProcesses(): Promise<number[]> {
  const tree = await children();
  const roots: number[] = [];
  for (const pid of tree.get(process.pid) ?? []) if ((await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')).startsWith('chrom')) roots.push(pid);
  for (let i = 0; i < roots.length; i++) roots.push(...(tree.get(roots[i]!) ?? []));
  return roots;
}

/** A `key:  N kB` line of a /proc file, in bytes; 0 once the process is gone. */
async function procKb(file: string, key: string): Promise<number> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text);
  return m ? Number(m[1]) * 1024 : 0;
}

const memAvailable = () => procKb('/proc/meminfo', 'MemAvailable');

async function held(server: Server): Promise<HostHeld> {
  const chromiumPids = await chromiumProcesses();
  const sum = async (f: (pid: number) => Promise<number>) => (await Promise.all(chromiumPids.map(f))).reduce((a, b) => a + b, 0);
  const load = (await readFile('/proc/loadavg', 'utf8')).split(' ').slice(0, 3).map(Number) as [number, number, number];
  return {
    serverRss: await procKb(`/proc/${server.pid}/status`, 'VmRSS'),
    chromium: {
      processes: chromiumPids.length,
      rss: await sum((pid) => procKb(`/proc/${pid}/status`, 'VmRSS')),
      pss: await sum((pid) => procKb(`/proc/${pid}/smaps_rollup`, 'Pss')),
    },
    load,
    memAvailable: await memAvailable(),
  };
}

/** `--web`: one lab that is up, its lesson reset before and after. */
async function benchOne(one: Lab, runs: number, keys: number): Promise<WebFigures> {
  await requireTargets(one);
  const node = one.nodes[0]!.name;
  console.log(`measuring lab web on ${one.name} ...`);
  await cli(one, 'exercise', LESSON, '--reset');
  const server = await startServer(one);
  const browser = await launch();
  try {
    const { page, weight, again } = await loads(
      browser,
      server.lines[0]!,
      one.nodes.map((n) => n.name),
    );
    const shown: number[] = [];
    for (let i = 0; i < runs; i++) {
      if (i > 0) await backToStep1(page, one);
      shown.push(await stepShown(page, one));
    }
    const samples = await echo(page, node, keys);
    return { lab: one.name, stepShown: shown, echo: samples, weight, again, held: await held(server) };
  } finally {
    await browser.close();
    await stopServer(server);
    await cli(one, 'exercise', LESSON, '--reset');
  }
}

/** One `lab web --count N` server, a page per lab that is up opened at once, what the host holds then: into `f`. */
async function classPages(base: Lab, count: number, running: readonly Lab[], keys: number, f: WebClassFigures): Promise<void> {
  const server = await startServer(base, count);
  const browser = await launch();
  try {
    const urls = new Map(server.lines.map((line) => line.split(' ') as [string, string]));
    const t1 = performance.now();
    const opened = await Promise.allSettled(
      running.map((l) =>
        openPage(
          browser,
          urls.get(l.name)!,
          l.nodes.map((n) => n.name),
        ),
      ),
    );
    f.openMs = performance.now() - t1;
    const pages = opened.flatMap((o, i) => {
      if (o.status === 'fulfilled') return [{ lab: running[i]!, page: o.value }];
      f.failures.push(`page of ${running[i]!.name}: ${String(o.reason).split('\n')[0]}`);
      return [];
    });
    f.atStep1 = pages.length;
    if (pages.length) f.echo = await echo(pages[0]!.page, pages[0]!.lab.nodes[0]!.name, keys);
    f.held = await held(server);
    f.looks = await classLooks(base, count, LOOKS);
  } finally {
    await browser.close();
    await stopServer(server);
  }
}

/** One look at the class: its time, and the CPU this process spent on it (the server's share of a board check). */
async function timedLook(look: () => Promise<unknown>): Promise<Look> {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  await look();
  const spent = process.cpuUsage(cpu);
  return { ms: performance.now() - t0, cpuMs: (spent.user + spent.system) / 1000 };
}

/**
 * The board's look at the class (`checkedClass`, run here as the server runs it), in turn: with new SSH
 * connections each time, as `lab exercise --check --count N` makes them, and with the connections kept from one
 * look to the next, as the board keeps them (`KeptPools`; opened by one look before the timed ones).
 */
async function classLooks(base: Lab, count: number, runs: number): Promise<WebClassFigures['looks']> {
  const lesson = loadLesson(LESSON, { scenariosDir: SCENARIOS_DIR, lab: base });
  const pools = new KeptPools();
  const kept: Reach = pools.use;
  const looks: WebClassFigures['looks'] = { fresh: [], kept: [] };
  try {
    await checkedClass(base, lesson, count, kept);
    for (let i = 0; i < runs; i++) {
      looks.fresh.push(await timedLook(() => checkedClass(base, lesson, count)));
      looks.kept.push(await timedLook(() => checkedClass(base, lesson, count, kept)));
    }
  } finally {
    await pools.close();
  }
  return looks;
}

/** `--web-labs N`: a class brought up, its pages opened at once, everything brought down again. */
async function benchClass(base: Lab, count: number, jobs: number, keys: number): Promise<WebClassFigures> {
  const memBefore = await memAvailable();
  const labs = await stampLabs(base, count);
  console.log(`a class of ${count} labs from ${base.file}: ${labs[0]!.name} (${labs[0]!.network.cidr}) .. ${labs.at(-1)!.name} (${labs.at(-1)!.network.cidr})`);
  const failures: string[] = [];
  const f: WebClassFigures = {
    requested: count,
    up: 0,
    upMs: 0,
    atStep1: 0,
    openMs: 0,
    echo: [],
    looks: { fresh: [], kept: [] },
    held: { serverRss: 0, chromium: { processes: 0, rss: 0, pss: 0 }, load: [0, 0, 0], memAvailable: 0 },
    memAvailableBefore: memBefore,
    downMs: 0,
    left: [],
    failures,
  };
  try {
    const t0 = performance.now();
    const up = await fleetUp(labs, providerNamed('lxc'), jobs).catch((err: Error) => {
      failures.push(err.message.split('\n')[0]!);
      return [];
    });
    f.upMs = performance.now() - t0;
    for (const o of up) if (!o.ok) failures.push(`up ${o.lab.name}: ${o.error?.split('\n')[0]}`);
    const running = up.filter((o) => o.ok).map((o) => o.lab);
    f.up = running.length;
    if (!running.length) return f;
    // Fresh nodes, and no progress left by an earlier run in the stamped labs' folders: every page at step 1.
    for (const l of running) forgetProgress(l, LESSON);
    await classPages(base, count, running, keys, f).catch((err: Error) => failures.push(err.message.split('\n')[0]!));
    return f;
  } finally {
    const t2 = performance.now();
    await fleetDown(labs, 'lxc', jobs);
    f.downMs = performance.now() - t2;
    f.left = await leftovers(labs);
  }
}

export async function benchWeb(o: WebBenchOptions): Promise<number> {
  const one = o.one ? await benchOne(o.one, o.runs, o.keys) : null;
  const many = o.many ? await benchClass(o.many.base, o.many.count, o.many.jobs, o.keys) : null;
  console.log(`\n${renderWeb(one, many)}`);
  return many && (many.failures.length || many.left.length) ? 1 : 0;
}
