/**
 * How far a student got, per lab and scenario: `<lab folder>/.docker-lab/exercise/<scenario>.json`, so the
 * next `lab exercise` resumes there. Captures are kept too: a later step's check may need them.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import type { Lab } from '../lab/model.js';

const progressSchema = z.object({
  /** The number of steps done: the index of the step in hand. */
  done: z.number().int().min(0),
  captures: z.record(z.string(), z.string()),
});

export type Progress = z.infer<typeof progressSchema>;

const FRESH: Progress = { done: 0, captures: {} };

function progressFile(lab: Lab, scenario: string): string {
  return join(lab.dir, '.docker-lab', 'exercise', `${scenario}.json`);
}

/** The saved progress, or a fresh start when there is none (or it can not be read: progress is a convenience). */
export function loadProgress(lab: Lab, scenario: string, steps: number): Progress {
  try {
    const saved = progressSchema.parse(JSON.parse(readFileSync(progressFile(lab, scenario), 'utf8')));
    return { ...saved, done: Math.min(saved.done, steps) };
  } catch {
    return FRESH;
  }
}

export function saveProgress(lab: Lab, scenario: string, progress: Progress): void {
  const file = progressFile(lab, scenario);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(progress, null, 2)}\n`);
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
