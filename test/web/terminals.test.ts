/**
 * The nodes' shells without a lab: a fake shell channel and fake websockets. One shell per node, kept across
 * websockets: a page that comes back gets the scrollback, then the live output, and types into the same shell.
 */
import { EventEmitter } from 'node:events';
import type { ClientChannel } from 'ssh2';
import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { Terminals } from '../../src/web/terminals.js';

class FakeChannel extends EventEmitter {
  readonly stderr = new EventEmitter();
  readonly typed: string[] = [];
  windows: string[] = [];
  closed = false;
  write(data: string) {
    this.typed.push(data);
    return true;
  }
  setWindow(rows: number, cols: number) {
    this.windows.push(`${cols}x${rows}`);
    return true;
  }
  close() {
    this.closed = true;
    this.emit('close');
    return true;
  }
}

class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  readonly got: string[] = [];
  send(data: Buffer) {
    this.got.push(data.toString());
  }
  close() {
    this.readyState = 3;
    this.emit('close');
  }
  say(message: object) {
    this.emit('message', Buffer.from(JSON.stringify(message)), false);
  }
}

function setup() {
  const opened: { node: string; channel: FakeChannel; size: string }[] = [];
  const terminals = new Terminals(async (node, window) => {
    const channel = new FakeChannel();
    opened.push({ node, channel, size: `${window.cols}x${window.rows}` });
    return channel as unknown as ClientChannel;
  });
  const attach = async (node: string) => {
    const ws = new FakeSocket();
    await terminals.attach(node, ws as unknown as WebSocket);
    return ws;
  };
  const watch = (node: string) => {
    const ws = new FakeSocket();
    terminals.watch(node, ws as unknown as WebSocket);
    return ws;
  };
  return { terminals, opened, attach, watch };
}

describe('Terminals', () => {
  it('a page that comes back gets the same shell: the scrollback first, then live output; its keys go to that shell', async () => {
    const { opened, attach } = setup();
    const first = await attach('docker-node1');
    expect(opened).toHaveLength(1);
    const shell = opened[0]!.channel;
    first.say({ type: 'input', data: 'export X=1\r' });
    await new Promise((r) => setImmediate(r));
    shell.emit('data', Buffer.from('$ export X=1\r\n$ '));
    expect(first.got.join('')).toContain('export X=1');
    first.close();
    shell.emit('data', Buffer.from('printed while away\r\n'));

    const second = await attach('docker-node1');
    expect(opened).toHaveLength(1); // no new shell
    expect(second.got).toEqual(['$ export X=1\r\n$ printed while away\r\n']);
    shell.stderr.emit('data', Buffer.from('live'));
    expect(second.got.at(-1)).toBe('live');
    expect(first.got.join('')).not.toContain('live'); // gone is gone
    second.say({ type: 'input', data: 'echo $X\r' });
    await new Promise((r) => setImmediate(r));
    expect(shell.typed).toEqual(['export X=1\r', 'echo $X\r']);
  });

  it('one shell per node; resized with the page; a shell that ended is opened again on the next key', async () => {
    const { opened, attach } = setup();
    const a = await attach('docker-node1');
    await attach('docker-node2');
    expect(opened.map((o) => o.node)).toEqual(['docker-node1', 'docker-node2']);
    a.say({ type: 'resize', cols: 120, rows: 40 });
    expect(opened[0]!.channel.windows.at(-1)).toBe('120x40');
    opened[0]!.channel.close();
    expect(a.got.at(-1)).toContain('the shell on docker-node1 ended');
    a.say({ type: 'input', data: 'ls\r' });
    await new Promise((r) => setImmediate(r));
    expect(opened).toHaveLength(3);
    expect(opened[2]!.size).toBe('120x40');
    expect(opened[2]!.channel.typed).toEqual(['ls\r']);
  });

  it("a teacher watching gets the student's shell, scrollback then live, and nothing they send reaches it", async () => {
    const { opened, attach, watch } = setup();
    const early = watch('docker-node1');
    expect(opened).toHaveLength(0); // no shell is opened for a watcher
    expect(early.got.join('')).toContain('no shell open there yet');
    early.say({ type: 'input', data: 'rm -rf /\r' });

    const student = await attach('docker-node1');
    const shell = opened[0]!.channel;
    student.say({ type: 'input', data: 'ip link\r' });
    await new Promise((r) => setImmediate(r));
    shell.emit('data', Buffer.from('$ ip link\r\n1: lo\r\n'));

    const teacher = watch('docker-node1');
    expect(teacher.got).toEqual(['$ ip link\r\n1: lo\r\n']);
    shell.emit('data', Buffer.from('live'));
    expect(teacher.got.at(-1)).toBe('live');
    expect(early.got.at(-1)).toBe('live');
    teacher.say({ type: 'input', data: 'reboot\r' });
    teacher.say({ type: 'resize', cols: 20, rows: 5 });
    teacher.emit('message', Buffer.from('reboot\r'), true);
    await new Promise((r) => setImmediate(r));
    expect(shell.typed).toEqual(['ip link\r']);
    expect(shell.windows).not.toContain('20x5');
    expect(opened).toHaveLength(1);
  });

  it('close ends every shell and socket', async () => {
    const { terminals, opened, attach } = setup();
    const ws = await attach('docker-node1');
    terminals.close();
    expect(opened[0]!.channel.closed).toBe(true);
    expect(ws.readyState).toBe(3);
  });
});
