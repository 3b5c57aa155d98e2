/**
 * What the loading of one written step may ask of the plan being built (load.ts builds it): a step kind's
 * loader reports problems, numbers its step, resolves its nodes and durations, and compiles expectations and
 * captures through this, and never sees the rest of the file.
 */
import type { Location } from '../../errors.js';
import type { Lab } from '../../lab/model.js';
import type { LocatedDocument } from '../../yaml/located.js';
import type { CaptureSpec } from '../judge/capture.js';
import type { Expectation } from '../judge/expect.js';
import type { BackgroundStep } from '../kinds/background.js';
import type { GuidedStep, LeafStep, PlanStep } from '../kinds/registry.js';
import type { Phase } from '../results.js';
import type { CaptureFile, ExpectFile, StepFile } from './schema.js';

export type Path = (string | number)[];

/** The file a step was written in, and what its `${{ vars.* }}` are. */
export interface Source {
  doc: LocatedDocument;
  vars: Record<string, string>;
  /** The fragment's name when the steps come from one. */
  fragment: string | null;
  /** Set while the checks of a step with a `watch:` are built: they may read `${{ watch.output }}`. */
  watching?: true;
}

/** What checking a value needs: the lab it names, and where to report what is wrong. */
export interface Checker {
  readonly lab: Lab;
  problem(loc: Location, message: string): void;
}

export interface StepBuilder extends Checker {
  /** Captures made by the steps built so far, in order: what a step may use. */
  readonly captures: ReadonlySet<string>;
  nextId(phase: Phase): string;
  nodes(source: Source, on: string | string[] | undefined, path: Path): string[];
  duration(source: Source, text: string, at: Path): number;
  misplacedKeys(source: Source, step: StepFile, path: Path, keys: readonly (keyof StepFile)[], why: string): void;
  expectation(source: Source, raw: ExpectFile | undefined, at: Path, captures: ReadonlySet<string>): Expectation;
  capture(source: Source, raw: CaptureFile, at: Path, nodes: string[], phase: Phase): CaptureSpec | null;
  /** A step written with `run:` (at the top, in a parallel group, or as a check), built by the kind it is. */
  leaf(source: Source, step: StepFile, path: Path, phase: Phase, id: string, visibleCaptures: ReadonlySet<string>): LeafStep | null;
  /** A main step's explanation, hint and verification. */
  withGuide<T extends GuidedStep>(source: Source, step: StepFile, path: Path, phase: Phase, built: T): T;
  /** `use:`: the fragment's steps, spliced in. */
  fragment(source: Source, step: StepFile, path: Path, phase: Phase): PlanStep[];
  /** A daemon built, for `stop:` to find by name. */
  daemon(step: BackgroundStep, source: Source): void;
  /** The daemons named `name`, the fragment's own first: its cleanup names its own daemons. */
  daemons(name: string, source: Source): { found: BackgroundStep[]; all: string[] };
}

export function firstLine(text: string): string {
  const line = text.trim().split('\n')[0] ?? text;
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}

/** `id` plus the name, safe in a file name: `03-start-etcd`. */
export function slug(id: string, name: string): string {
  const words = name
    .toLowerCase()
    .replace(/\$\{\{[^}]*\}\}/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40)
    .replace(/-$/, '');
  return `${id.replace(/\./g, '-').padStart(2, '0')}${words ? `-${words}` : ''}`;
}
