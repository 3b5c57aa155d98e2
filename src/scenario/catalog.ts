/**
 * The scenario room's front door for the rooms above it: the scenarios of a folder, listed from their headers
 * without being checked, and one scenario loaded and checked against the lab (nothing run).
 */
import { join } from 'node:path';
import { InputError } from '../errors.js';
import type { Lab } from '../lab/model.js';
import { LocatedDocument } from '../yaml/located.js';
import { type CourseRef, courseRefsOf } from './format/course.js';
import { loadScenarioFile } from './format/load.js';
import { listYaml, scenarioPath } from './format/paths.js';
import type { ScenarioPlan } from './plan.js';

export interface ScenarioSummary {
  name: string;
  file: string;
  description: string;
  /** The parts of the course notes it reproduces. */
  course: CourseRef[];
  /** The `requires.docker` range, when there is one. */
  requiresDocker?: string;
  /** The lesson it is a way of teaching, and that way's name (lesson.ts). */
  variant?: { of: string; name: string };
  /** Set when the file can not be read as a scenario (`--list` still shows it). */
  problem?: string;
}

/** The scenarios of a folder (fragments are not scenarios), with their descriptions. Never throws for one bad file. */
export function listScenarios(dir: string): ScenarioSummary[] {
  return listYaml(dir).map((name) => {
    const file = join(dir, `${name}.yaml`);
    try {
      const raw = LocatedDocument.read(file).toJS() as {
        description?: unknown;
        course?: unknown;
        requires?: { docker?: unknown };
        variant?: { of?: unknown; name?: unknown };
      } | null;
      const description = typeof raw?.description === 'string' ? raw.description.trim() : '';
      const docker = raw?.requires?.docker;
      const { of, name: way } = raw?.variant ?? {};
      return {
        name,
        file,
        description,
        course: courseRefsOf(raw?.course),
        ...(typeof docker === 'string' ? { requiresDocker: docker } : {}),
        ...(typeof of === 'string' && typeof way === 'string' ? { variant: { of, name: way } } : {}),
      };
    } catch (err) {
      return { name, file, description: '', course: [], problem: err instanceof InputError ? err.message : String(err) };
    }
  });
}

/** Reads, validates and checks a scenario against the lab. Throws InputError (exit 2) with file:line:column. */
export function loadScenario(nameOrPath: string, options: { scenariosDir: string; lab: Lab }): ScenarioPlan {
  return loadScenarioFile(scenarioPath(nameOrPath, options.scenariosDir), options);
}
