import { resolve } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import type { Lab } from '../lab/model.js';
import { openLab } from '../providers/index.js';
import type { Interruptions } from './interruptions.js';

/** What every command's action gets: the signal wiring, and a way to set the exit code. */
export interface CliContext {
  interruptions: Interruptions;
  exit(code: number): void;
}

/** `--lab FILE`, which every command that works on a lab takes. */
export function withLab(cmd: Command): Command {
  return cmd.option('--lab <file>', 'the lab file', 'lab.yaml');
}

/** `--count N`: the same command on the N labs stamped from the lab file (a teacher's labs). */
export function withCount(cmd: Command, jobs: boolean): Command {
  cmd.option('--count <n>', 'the N labs <name>-01..N stamped from the lab file on consecutive /24 subnets', wholeNumber(1));
  return jobs ? cmd.option('--jobs <n>', 'with --count: labs brought up or down side by side', wholeNumber(1), 4) : cmd;
}

export function labOf(options: { lab: string }): Lab {
  return openLab(resolve(options.lab));
}

/** A whole number of at least `min`, for commander's option parsing (its errors end as exit 2). */
export function wholeNumber(min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min) throw new InvalidArgumentError(`'${value}' is not a whole number of at least ${min}`);
    return n;
  };
}

/** A comma-separated list, empty parts dropped. */
export function commaList(value: string): string[] {
  return value
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
}
