/**
 * How far a student got, per lab and scenario: `<lab folder>/.docker-lab/exercise/<scenario>.json`, so the
 * next `lab exercise` resumes there. Captures are kept too: a later step's check may need them. Each step
 * passed is recorded with how and when, for the student's screen and the teacher's `--check --count`.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import type { Lab } from '../lab/model.js';

/**
 * How a step was passed. `typed`: its check held when polled, or on Enter, after the student worked on it.
 * `solved`: the student pressed S and the solution made it hold. `there`: it held as the step came on screen,
 * before the student did anything. `confirmed`: Enter on a step the student confirms.
 */
export const HOW_PASSED = ['typed', 'solved', 'there', 'confirmed'] as const;
export type HowPassed = (typeof HOW_PASSED)[number];

const passSchema = z.object({
  /** The step's number, as the student counts. */
  step: z.number().int().min(1),
  how: z.enum(HOW_PASSED),
  /** ISO 8601, UTC. */
  at: z.string(),
});

export type Pass = z.infer<typeof passSchema>;

const progressSchema = z.object({
  /** The number of steps done: the index of the step in hand. */
  done: z.number().int().min(0),
  captures: z.record(z.string(), z.string()),
  /** One entry per step passed, the latest pass of each, by step number. Files written before it have none. */
  passed: z.array(passSchema).default([]),
  /** When the progress last changed (a step passed, back, moved back on resume); ISO 8601. */
  updated: z.string().nullable().default(null),
});

export type Progress = z.infer<typeof progressSchema>;

export function freshProgress(): Progress {
  return { done: 0, captures: {}, passed: [], updated: null };
}

function progressFile(lab: Lab, scenario: string): string {
  return join(lab.dir, '.docker-lab', 'exercise', `${scenario}.json`);
}

/** Progress from a file's text: null when it is not progress. Pure; old files ({done, captures}) load. */
export function parseProgress(text: string, steps: number): Progress | null {
  try {
    const saved = progressSchema.parse(JSON.parse(text));
    return { ...saved, done: Math.min(saved.done, steps) };
  } catch {
    return null;
  }
}

/** The saved progress, or a fresh start when there is none (or it can not be read: progress is a convenience). */
export function loadProgress(lab: Lab, scenario: string, steps: number): Progress {
  return savedProgress(lab, scenario, steps) ?? freshProgress();
}

/** The saved progress, or null when there is none to read. */
export function savedProgress(lab: Lab, scenario: string, steps: number): Progress | null {
  try {
    return parseProgress(readFileSync(progressFile(lab, scenario), 'utf8'), steps);
  } catch {
    return null;
  }
}

export function saveProgress(lab: Lab, scenario: string, progress: Progress): void {
  const file = progressFile(lab, scenario);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(progress, null, 2)}\n`);
}

/** Records that step `step` was passed, replacing an earlier pass of the same step. Pure on `progress`. */
export function recordPass(progress: Progress, step: number, how: HowPassed, at: Date): void {
  progress.passed = [...progress.passed.filter((p) => p.step !== step), { step, how, at: at.toISOString() }].sort((a, b) => a.step - b.step);
  progress.updated = at.toISOString();
}

export function forgetProgress(lab: Lab, scenario: string): void {
  rmSync(progressFile(lab, scenario), { force: true });
}

/** The scenarios a student has begun on this lab (at least one step done), with how far each got. */
export function exercisesInProgress(lab: Lab): { scenario: string; done: number }[] {
  const dir = dirname(progressFile(lab, 'x'));
  const names = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .map((f) => f.slice(0, -'.json'.length))
    : [];
  return names.map((scenario) => ({ scenario, done: loadProgress(lab, scenario, Infinity).done })).filter((e) => e.done > 0);
}
