/**
 * A lesson of the course, taught one way or several. When Docker changed how a thing is done (Docker 23 removed
 * the etcd cluster store; swarm mode replaced it), each way is a scenario file of its own that says
 * `variant: { of: LESSON, name: WAY }` and the Docker range it needs. The file named LESSON is the course's own
 * way, preferred wherever its range fits; the others, by name, serve the Dockers it does not fit. A file that
 * says no `variant` is a lesson of one way. Naming a variant's file runs that way only.
 */
import { InputError } from '../errors.js';
import type { Lab } from '../lab/model.js';
import { formatProblem, LocatedDocument } from '../yaml/located.js';
import { listScenarios, loadScenario, type ScenarioSummary } from './catalog.js';
import { isScenarioPath } from './format/paths.js';
import type { ScenarioPlan } from './plan.js';

export interface Lesson {
  name: string;
  /** The course's own way first. */
  variants: readonly [ScenarioPlan, ...ScenarioPlan[]];
}

interface CatalogOptions {
  scenariosDir: string;
  lab: Lab;
}

/** A scenario file as a lesson of one way (a path, or a test's own plan). */
export const lessonOf = (plan: ScenarioPlan): Lesson => ({ name: plan.name, variants: [plan] });

/** Reads and checks every way of the lesson (or the one file a name or path gives). Throws InputError (exit 2). */
export function loadLesson(nameOrPath: string, options: CatalogOptions): Lesson {
  const ways = isScenarioPath(nameOrPath) ? [] : waysOf(nameOrPath, listScenarios(options.scenariosDir));
  if (ways.length === 0) return lessonOf(loadScenario(nameOrPath, options));
  const [own, ...others] = ways.map((w) => loadScenario(w.file, options));
  return { name: nameOrPath, variants: [own!, ...others] };
}

/** The files of the lesson `name`, its own first; none when it is a lesson of one way. */
function waysOf(name: string, catalog: readonly ScenarioSummary[]): ScenarioSummary[] {
  const ways = catalog.filter((s) => s.variant?.of === name);
  if (ways.length === 0) return [];
  const own = ways.find((w) => w.name === name);
  if (!own) {
    const problem = {
      loc: LocatedDocument.read(ways[0]!.file).locate(['variant', 'of']),
      message: `'${name}' names a lesson whose own file ${name}.yaml ${catalog.some((s) => s.name === name) ? 'says no variant of itself' : 'does not exist'}`,
    };
    throw new InputError(formatProblem(problem), [problem]);
  }
  return [own, ...ways.filter((w) => w !== own)];
}

/** The lessons of a folder, in the catalog's order: each variant file folded into its lesson's name. */
export function listLessons(dir: string): { name: string; ways: ScenarioSummary[] }[] {
  const catalog = listScenarios(dir);
  const names = [...new Set(catalog.map((s) => s.variant?.of ?? s.name))];
  return names.map((name) => {
    const ways = catalog.filter((s) => (s.variant?.of ?? s.name) === name);
    return { name, ways: [...ways.filter((w) => w.name === name), ...ways.filter((w) => w.name !== name)] };
  });
}

/**
 * The way this lab's Docker fits: the first whose range it meets (`unmet` reads the daemons; null means met).
 * When none does, the course's own way, whose run then says why it is skipped (or refused, in an exercise).
 */
export async function chooseVariant(lesson: Lesson, unmet: (range: string) => Promise<string | null>): Promise<ScenarioPlan> {
  if (lesson.variants.length === 1) return lesson.variants[0];
  for (const plan of lesson.variants) if (!plan.requires || (await unmet(plan.requires.docker)) === null) return plan;
  return lesson.variants[0];
}
