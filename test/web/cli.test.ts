/**
 * `lab web` from the command line, without a lab: bad input before anything listens, and a server whose lab is
 * not up that still prints its URL once, refuses strangers, says the lab is not up on the page's socket, and
 * stops cleanly on SIGTERM with the token in nothing but that one line.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { expect, it } from 'vitest';
import WebSocket from 'ws';

const ROOT = join(import.meta.dirname, '../..');

function labFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lab-web-'));
  const file = join(dir, 'lab.yaml');
  writeFileSync(file, readFileSync(join(ROOT, 'lab.yaml'), 'utf8').replace('name: docker-lab', 'name: web-cli-test'));
  return file;
}

const lab = (...args: string[]) => execa('node', [join(ROOT, 'bin/lab.js'), ...args], { reject: false, cwd: ROOT, env: { CI: 'true' } });

/** Starts `lab web ARGS` as a user would; resolves with its first `lines` lines of stdout, and what it printed. */
async function startWeb(args: string[], lines: number) {
  const child = execa('node', [join(ROOT, 'bin/lab.js'), 'web', ...args], {
    reject: false,
    cwd: ROOT,
    env: { CI: 'true' },
    buffer: false,
    forceKillAfterDelay: false,
  });
  const out = { stdout: '', stderr: '' };
  child.stderr!.on('data', (d: Buffer) => (out.stderr += d.toString()));
  const printed = await new Promise<string[]>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out.stdout += d.toString();
      const got = out.stdout.split('\n');
      if (got.length > lines) resolve(got.slice(0, lines));
    });
    void child.then(() => reject(new Error(`lab web ended before printing ${lines} line(s):\n${out.stderr}`)));
  });
  return { child, out, printed };
}

it('refuses bad input before it listens (exit 2)', async () => {
  const file = labFile();
  const nope = await lab('web', '--scenario', 'nope', '--lab', file);
  expect(nope.exitCode).toBe(2);
  expect(nope.stderr).toContain('no such scenario');
  expect(nope.stdout).toBe('');
  const port = await lab('web', '--port', '70000', '--lab', file);
  expect(port.exitCode).toBe(2);
  expect(port.stderr).toContain('is not a port');
});

it('on a lab that is not up: one URL on out.stdout, 401 to strangers, "not up" on the socket, SIGTERM ends it (143), no token in its log', async () => {
  const { child, out, printed } = await startWeb(['--scenario', 'netns', '--lab', labFile()], 1);
  const url = printed[0]!;
  const { origin, port, searchParams } = new URL(url);
  const token = searchParams.get('token')!;
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{43}$/);
  expect((await fetch(`${origin}/`)).status).toBe(401);

  const first = await new Promise<string>((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/steps`, { origin, headers: { Cookie: `dlab_web_${port}=${token}` } });
    ws.on('message', (data) => {
      resolve(data.toString());
      ws.close();
    });
    ws.on('error', reject);
  });
  expect(JSON.parse(first)).toMatchObject({ kind: 'error', message: expect.stringContaining('is not up') });

  child.kill('SIGTERM');
  const end = await child;
  expect(end.exitCode).toBe(143);
  expect(out.stdout.trim().split('\n')).toEqual([url]); // the URL, once, and nothing else
  expect(out.stderr).toContain('refused 401 GET /');
  expect(out.stderr).toContain('lab web: stopped');
  expect(out.stderr).not.toContain(token);
});

it('--count 2: a URL per student lab, labelled, and the teacher’s, each once on out.stdout and in nothing it logs', async () => {
  const { child, out, printed: lines } = await startWeb(['--count', '2', '--scenario', 'netns', '--lab', labFile()], 3);
  expect(lines).toHaveLength(3);
  expect(lines[0]).toMatch(/^web-cli-test-01 http:\/\/127\.0\.0\.1:\d+\/lab\/web-cli-test-01\/\?token=[\w-]{43}$/);
  expect(lines[1]).toMatch(/^web-cli-test-02 http:\/\/127\.0\.0\.1:\d+\/lab\/web-cli-test-02\/\?token=[\w-]{43}$/);
  expect(lines[2]).toMatch(/^teacher http:\/\/127\.0\.0\.1:\d+\/class\?token=[\w-]{43}$/);
  const tokens = lines.map((l) => new URL(l.split(' ')[1]!).searchParams.get('token')!);
  expect(new Set(tokens).size).toBe(3);
  child.kill('SIGTERM');
  const end = await child;
  expect(end.exitCode).toBe(143);
  expect(out.stdout.trim().split('\n')).toEqual(lines);
  expect(out.stderr).toContain('on 2 labs (web-cli-test-01 to web-cli-test-02)');
  for (const token of tokens) expect(out.stderr).not.toContain(token);
});
