import SSHConfig from 'ssh-config';
import type { SshTarget } from '../ssh/target.js';

/** One machine as `vagrant status --machine-readable` reports it. */
export interface MachineStatus {
  name: string;
  provider: string;
  /** Vagrant's own word: running, stopped, not_created, poweroff, frozen, ... */
  state: string;
}

/**
 * Parses Vagrant's machine-readable output (`timestamp,target,type,data...`). Commas inside data arrive as
 * `%!(VAGRANT_COMMA)` and newlines as a literal `\n`.
 */
function parseMachineReadable(text: string): { target: string; type: string; data: string[] }[] {
  return text
    .split('\n')
    .filter((line) => /^\d+,/.test(line))
    .map((line) => {
      const [, target = '', type = '', ...data] = line.split(',');
      return { target, type, data: data.map((d) => d.replaceAll('%!(VAGRANT_COMMA)', ',').replaceAll('\\n', '\n')) };
    });
}

export function parseStatus(text: string): MachineStatus[] {
  const byName = new Map<string, MachineStatus>();
  for (const { target, type, data } of parseMachineReadable(text)) {
    if (!target || (type !== 'state' && type !== 'provider-name')) continue;
    const m = byName.get(target) ?? { name: target, provider: '', state: '' };
    if (type === 'state') m.state = data[0] ?? '';
    else m.provider = data[0] ?? '';
    byName.set(target, m);
  }
  return [...byName.values()];
}

/** Parses `vagrant ssh-config` into one target per machine. */
export function parseSshConfig(text: string): SshTarget[] {
  const config = SSHConfig.parse(text);
  const targets: SshTarget[] = [];
  for (const line of config) {
    if (line.type !== SSHConfig.DIRECTIVE || line.param.toLowerCase() !== 'host' || !('config' in line)) continue;
    const name = String(line.value);
    const get = (key: string) => {
      const found = line.config.find((l) => l.type === SSHConfig.DIRECTIVE && l.param.toLowerCase() === key.toLowerCase());
      return found && found.type === SSHConfig.DIRECTIVE ? String(found.value).replace(/^"(.*)"$/, '$1') : undefined;
    };
    const host = get('HostName');
    const identityFile = get('IdentityFile');
    if (!host || !identityFile) continue;
    targets.push({ node: name, host, port: Number(get('Port') ?? 22), user: get('User') ?? 'vagrant', identityFile });
  }
  return targets;
}

/** A frame of Ruby's backtrace: `/path/file.rb:64:in 'method'`. Vagrant prints them after an unexpected error. */
const RUBY_FRAME = /^\S+\.rb:\d+:in /;

export function isRubyFrame(line: string): boolean {
  return RUBY_FRAME.test(line.trim());
}

const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;
/** What stays of a progress report while it counts up: the text before the number (`Progress: `). */
const PROGRESS = /^(.*?)\d+(\.\d+)?%/;

/**
 * What a terminal ends up showing of one line of Vagrant's output. Its progress reports rewrite one line with
 * `\r` (thousands of times for a box upload), so a log that keeps every rewrite gets one line a megabyte long.
 * Each run of reports becomes its last one, and text written after them stays. Pure.
 */
export function terminalLines(line: string): string[] {
  const shown: string[] = [];
  for (const segment of line.replace(ANSI, '').split('\r')) {
    const text = segment.trimEnd();
    if (!text.trim()) continue;
    const stem = PROGRESS.exec(text)?.[1];
    const last = shown.at(-1);
    if (stem !== undefined && last !== undefined && PROGRESS.exec(last)?.[1] === stem) shown[shown.length - 1] = text;
    else shown.push(text);
  }
  return shown;
}

/** QEMU's own complaint, as libvirt passes it on: `qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69`. */
const QEMU_SAID = /qemu-system-[\w-]+: (?:error: )?(.+?)(?=\s*qemu-system-[\w-]+:|$)/gm;

/** What QEMU said when it could not start a domain, each complaint once; none when QEMU said nothing. Pure. */
export function qemuComplaints(text: string): string[] {
  return [...new Set([...text.matchAll(QEMU_SAID)].map((m) => m[1]!.trim()))];
}

/** A machine's error in one line: QEMU's words when it refused to start the domain, else Vagrant's paragraph. */
function machineMessage(lines: readonly string[]): string {
  const qemu = qemuComplaints(lines.join('\n'));
  return qemu.length ? `QEMU could not start the domain: ${qemu.join('; ')}` : lines.slice(0, 5).join(' ');
}
/** Where Vagrant names the machine an error belongs to (`vagrant up --parallel` and a few others). */
const MACHINE_NAMED = /'([^']+)'\s+machine\./;
const NEXT_ERROR = /^An (unexpected )?error occurred/;

/**
 * What a person reads to know why Vagrant failed: its own message, without Ruby's backtrace. A parallel `up`
 * puts each machine's error under a paragraph that names the machine; those become `machine: message` lines.
 * Otherwise, the end of the output. Pure.
 */
export function vagrantFailure(output: string, maxLines = 15): string {
  const lines = output
    .split('\n')
    .flatMap(terminalLines)
    .filter((l) => !isRubyFrame(l));
  const perMachine: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    // The name may end one line and "machine." start the next.
    const named = MACHINE_NAMED.exec(`${lines[i]} ${lines[i + 1] ?? ''}`);
    if (!named || !NEXT_ERROR.test(lines[i]!.trim())) continue;
    let j = lines[i]!.includes(' machine.') ? i + 1 : i + 2;
    while (j < lines.length && !lines[j]!.trim()) j++;
    const message: string[] = [];
    for (; j < lines.length && lines[j]!.trim() && !NEXT_ERROR.test(lines[j]!.trim()); j++) message.push(lines[j]!.trim());
    if (message.length) perMachine.push(`${named[1]}: ${machineMessage(message)}`);
    i = j - 1;
  }
  if (perMachine.length) return perMachine.join('\n');
  const qemu = qemuComplaints(lines.join('\n'));
  if (qemu.length) return `QEMU could not start a domain: ${qemu.join('; ')}`;
  return lines.join('\n').trimEnd().split('\n').slice(-maxLines).join('\n');
}
