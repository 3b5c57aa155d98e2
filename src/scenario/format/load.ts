/**
 * Scenario file -> plan. Reads and validates the YAML (schema.ts), splices fragments in, and checks
 * everything that can be checked before a node is touched: nodes named in `on`, `${{ }}` expressions,
 * captures used before they are made, regexes, JSON paths, durations, keys that do not belong together.
 * Each step is built by its kind (kinds/); expectations and captures are compiled by compile-*.ts.
 * All problems are collected and thrown as one InputError (exit 2), each with file, line, column and field.
 */

import { existsSync } from 'node:fs';
import { basename, extname } from 'node:path';
import semver from 'semver';
import type { z } from 'zod';
import { InputError, type Location } from '../../errors.js';
import { firstOfMany } from '../../format.js';
import type { Lab } from '../../lab/model.js';
import { formatProblem, LocatedDocument } from '../../yaml/located.js';
import type { CaptureSpec } from '../judge/capture.js';
import type { Expectation } from '../judge/expect.js';
import type { BackgroundStep } from '../kinds/background.js';
import { isCommand } from '../kinds/command.js';
import { FORM_KEYS, formOf, type GuidedStep, kindOf, type LeafStep, leafKindOf, type PlanStep } from '../kinds/registry.js';
import type { ScenarioPlan, Verification, Watch } from '../plan.js';
import type { Phase } from '../results.js';
import { firstLine, type Path, type Source, type StepBuilder, slug } from './builder.js';
import { compileCapture } from './compile-capture.js';
import { checkPlaceholders, compileExpectation } from './compile-expect.js';
import { courseRefs } from './course.js';
import { parseDuration } from './duration.js';
import { findPlaceholders } from './interpolate.js';
import { availableHint, fragmentPath, fragmentsDir, listYaml } from './paths.js';
import { type CaptureFile, type ExpectFile, fragmentSchema, type StepFile, scenarioSchema } from './schema.js';
import { resolveExpression } from './scope.js';

interface LoadOptions {
  scenariosDir: string;
  lab: Lab;
}

const DEFAULT_TIMEOUT = '60s';
const STUDENT_KEYS = ['explain', 'hint', 'check', 'watch', 'confirm'] as const;
/** How long a watch may take to print its first line (that it is ready). */
const DEFAULT_WATCH_READY = '10s';

export function loadScenarioFile(file: string, options: LoadOptions): ScenarioPlan {
  if (!existsSync(file)) throw new InputError(`${file}: no such scenario${availableHint(options.scenariosDir)}`, [{ loc: { file }, message: 'no such file' }]);
  const doc = LocatedDocument.read(file);
  const raw = doc.validate(scenarioSchema, 'invalid scenario');
  const b = new PlanBuilder(options);

  const expectedName = basename(file, extname(file));
  if (raw.name !== expectedName) b.problem(doc.locate(['name']), `name '${raw.name}' must equal the file name '${expectedName}'`);
  if (raw.requires && semver.validRange(raw.requires.docker) === null)
    b.problem(doc.locate(['requires', 'docker']), `'${raw.requires.docker}' is not a semver range (e.g. "<23" or ">=20.10 <23")`);

  const source: Source = { doc, vars: stringVars(raw.vars), fragment: null };
  const steps = b.steps(source, raw.steps, ['steps'], 'main');
  // Teardown steps are main steps that come last: numbered on from the lesson, and seeing its captures.
  const teardown = b.steps(source, raw.teardown ?? [], ['teardown'], 'main');
  // Cleanup may use any capture (at run time, one never made fails that cleanup step, not the others).
  const cleanup = [...b.steps(source, raw.cleanup ?? [], ['cleanup'], 'cleanup'), ...b.fragmentCleanups()];
  b.throwIfProblems();
  return {
    name: raw.name,
    file,
    description: raw.description.trim(),
    course: courseRefs(raw.course),
    requires: raw.requires ?? null,
    variant: raw.variant ?? null,
    images: raw.images ?? [],
    steps,
    teardown,
    cleanup,
  };
}

class PlanBuilder implements StepBuilder {
  readonly lab: Lab;
  private readonly problems: { loc: Location; message: string }[] = [];
  private readonly made = new Set<string>();
  private readonly pendingFragmentCleanups: { source: Source; raw: StepFile[] }[] = [];
  private readonly counters: Record<Phase, number> = { main: 0, cleanup: 0 };
  /** Background steps built so far, for `stop:` in cleanup. */
  private readonly backgrounds: { step: BackgroundStep; fragment: string | null }[] = [];

  constructor(private readonly options: LoadOptions) {
    this.lab = options.lab;
  }

  get captures(): ReadonlySet<string> {
    return this.made;
  }

  problem(loc: Location, message: string): void {
    this.problems.push({ loc, message });
  }

  throwIfProblems(): void {
    if (this.problems.length === 0) return;
    const head = this.problems[0]!;
    throw new InputError(firstOfMany(`invalid scenario: ${formatProblem(head)}`, this.problems.length), this.problems);
  }

  steps(source: Source, raw: readonly StepFile[], base: Path, phase: Phase): PlanStep[] {
    return raw.flatMap((step, i) => this.step(source, step, [...base, i], phase));
  }

  fragmentCleanups(): PlanStep[] {
    // Reverse order of use: what was set up last is torn down first.
    return [...this.pendingFragmentCleanups].reverse().flatMap(({ source, raw }) => this.steps(source, raw, ['cleanup'], 'cleanup'));
  }

  private step(source: Source, step: StepFile, path: Path, phase: Phase): PlanStep[] {
    const forms = FORM_KEYS.filter((k) => step[k] !== undefined);
    if (forms.length === 0) {
      this.problem(source.doc.locate(path), `a step needs one of run, parallel or use${phase === 'cleanup' ? ' (or stop)' : ''}`);
      return [];
    }
    if (forms.length > 1) {
      this.problem(
        source.doc.locateKey([...path, forms[1]!]),
        `a step has either ${FORM_KEYS.slice(0, -1).join(', ')} or ${FORM_KEYS[FORM_KEYS.length - 1]}, not ${forms.join(' and ')}`,
      );
      return [];
    }
    const form = formOf(forms[0]!, step)!;
    if (form.unguided || phase === 'cleanup') {
      this.misplacedKeys(
        source,
        step,
        path,
        STUDENT_KEYS,
        phase === 'cleanup' ? 'is not allowed in cleanup (a student types only the steps)' : `does not apply to a ${forms[0]} step`,
      );
    }
    return form.load(this, source, step, path, phase);
  }

  withGuide<T extends GuidedStep>(source: Source, step: StepFile, path: Path, phase: Phase, built: T): T {
    if (phase !== 'main') return built;
    if (step.check !== undefined && step.confirm !== undefined) {
      this.problem(
        source.doc.locateKey([...path, 'confirm']),
        'a step has either check or confirm: true, not both (confirm is for a step that can not be checked)',
      );
    }
    if (step.confirm && step.capture !== undefined) {
      this.problem(
        source.doc.locateKey([...path, 'capture']),
        'a confirm step makes no capture in exercise mode (nothing runs there); take the value in a check: instead',
      );
    }
    if (step.watch !== undefined && step.check === undefined)
      this.problem(source.doc.locateKey([...path, 'watch']), "a watch is read by the step's checks: give the step a check: that reads ${{ watch.output }}");
    let verify: Verification;
    if (step.check !== undefined) {
      const watch = step.watch === undefined ? null : this.watch(source, step, path, built);
      // The checks of a watched step may read its output.
      const checkSource: Source = watch ? { ...source, watching: true } : source;
      const raw = Array.isArray(step.check) ? step.check : [step.check];
      // Checks are command steps, built as such, that see every capture so far.
      const checks = raw.flatMap((c, k) => {
        const where: Path = Array.isArray(step.check) ? [...path, 'check', k] : [...path, 'check'];
        const check = this.leaf(checkSource, c, where, phase, `${built.id}.check${raw.length > 1 ? k + 1 : ''}`, this.made);
        if (watch && check && /\$\{\{\s*watch\./.test(c.run) && check.nodes.some((n) => !watch.nodes.includes(n)))
          this.problem(
            source.doc.locateKey([...where, 'on']),
            `this check reads \${{ watch.output }}, a file on ${watch.nodes[0]}: it must run there only (on: ${watch.nodes[0]})`,
          );
        return check && isCommand(check) ? [{ ...check, name: c.name ?? `check: ${check.name}` }] : [];
      });
      verify = { kind: 'check', checks, watch };
    } else if (step.confirm || !kindOf(built).rerunnable(built)) {
      // A daemon can not be started again to see that it runs: without a check, the student says it does.
      verify = { kind: 'confirm' };
    } else {
      verify = { kind: 'rerun' };
    }
    built.guide = { explain: step.explain?.trim() ?? null, hint: step.hint?.trim() ?? null, verify };
    return built;
  }

  /** A step's `watch:`: one node (the step's own when it has one), its command checked as a step's is. */
  private watch(source: Source, step: StepFile, path: Path, built: GuidedStep): Watch | null {
    const raw = step.watch!;
    const at: Path = [...path, 'watch'];
    const own = 'nodes' in built && built.nodes.length === 1 ? built.nodes[0] : undefined;
    const on = raw.on ?? own;
    if (on === undefined) {
      this.problem(source.doc.locateKey(at), "say on which node the watch runs (on:): the step's command runs on several");
      return null;
    }
    if (on === 'all') {
      this.problem(source.doc.locate([...at, 'on']), 'a watch runs on one node: name it');
      return null;
    }
    const nodes = this.nodes(source, on, at);
    checkPlaceholders(this, source, raw.run, [...at, 'run'], this.made);
    const id = `${built.id}.watch`;
    const name = raw.name ?? `watch: ${firstLine(raw.run)}`;
    return {
      kind: 'background',
      id,
      slug: slug(id, name),
      name,
      nodes,
      run: raw.run,
      sudo: raw.sudo ?? false,
      timeoutMs: this.duration(source, raw.timeout ?? DEFAULT_WATCH_READY, [...at, 'timeout']),
      vars: source.vars,
      origin: source.doc.locate(at),
    };
  }

  fragment(source: Source, step: StepFile, path: Path, phase: Phase): PlanStep[] {
    const { doc } = source;
    const name = step.use!;
    if (phase === 'cleanup') {
      this.problem(doc.locate([...path, 'use']), 'use is not allowed in cleanup; a fragment brings its own cleanup');
      return [];
    }
    if (source.fragment !== null) {
      this.problem(doc.locate([...path, 'use']), `fragment '${source.fragment}' uses '${name}': fragments can not use other fragments`);
      return [];
    }
    this.misplacedKeys(
      source,
      step,
      path,
      ['on', 'sudo', 'timeout', 'expect', 'retry', 'capture', 'background', 'name'],
      'does not apply to a use step (only with: does)',
    );
    const file = fragmentPath(name, this.options.scenariosDir);
    if (!existsSync(file)) {
      const available = listYaml(fragmentsDir(this.options.scenariosDir));
      this.problem(doc.locate([...path, 'use']), `no fragment '${name}': ${file} does not exist (fragments: ${available.join(', ') || 'none'})`);
      return [];
    }
    let fdoc: LocatedDocument;
    let raw: z.output<typeof fragmentSchema>;
    try {
      fdoc = LocatedDocument.read(file);
      raw = fdoc.validate(fragmentSchema, `invalid fragment '${name}'`);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      for (const p of err.problems) this.problem(p.loc ?? { file }, p.message);
      return [];
    }
    const vars = stringVars(raw.vars);
    for (const [key, value] of Object.entries(step.with ?? {})) {
      const at: Path = [...path, 'with', key];
      if (!(key in vars)) {
        this.problem(doc.locateKey(at), `fragment '${name}' has no var '${key}' (its vars: ${Object.keys(vars).join(', ') || 'none'})`);
        continue;
      }
      vars[key] = this.withValue(source, String(value), at);
    }
    const fsource: Source = { doc: fdoc, vars, fragment: name };
    const steps = this.steps(fsource, raw.steps, ['steps'], phase);
    if (raw.cleanup?.length) this.pendingFragmentCleanups.push({ source: fsource, raw: raw.cleanup });
    return steps;
  }

  /** A `with:` value may use the using file's vars (known now); captures are not known yet. */
  private withValue(source: Source, text: string, at: Path): string {
    const scan = findPlaceholders(text);
    if (!scan.ok) {
      this.problem(source.doc.locate(at), scan.message);
      return text;
    }
    let out = text;
    for (const ph of [...scan.placeholders].reverse()) {
      const r = ph.expr.startsWith('vars.')
        ? resolveExpression(ph.expr, { lab: this.lab, vars: source.vars, captures: {} })
        : { ok: false as const, message: `with: values can use only vars.* ('${ph.expr}')` };
      if (!r.ok) this.problem(source.doc.locateText(at, text.slice(ph.start, ph.end)), r.message);
      else out = out.slice(0, ph.start) + r.value + out.slice(ph.end);
    }
    return out;
  }

  leaf(source: Source, step: StepFile, path: Path, phase: Phase, id: string, visibleCaptures: ReadonlySet<string>): LeafStep | null {
    return leafKindOf(step)!.leaf!(this, source, step, path, phase, this.leafBase(source, step, path, id, visibleCaptures), visibleCaptures);
  }

  /** What every `run:` step has, whatever its kind. */
  private leafBase(source: Source, step: StepFile, path: Path, id: string, visibleCaptures: ReadonlySet<string>) {
    const run = step.run!;
    const nodes = this.nodes(source, step.on, path);
    const name = step.name ?? firstLine(run);
    const timeoutMs = this.duration(source, step.timeout ?? DEFAULT_TIMEOUT, [...path, 'timeout']);
    checkPlaceholders(this, source, run, [...path, 'run'], visibleCaptures);
    return { id, slug: slug(id, name), name, nodes, run, sudo: step.sudo ?? false, timeoutMs, vars: source.vars, origin: source.doc.locate(path) };
  }

  daemon(step: BackgroundStep, source: Source): void {
    this.backgrounds.push({ step, fragment: source.fragment });
  }

  daemons(name: string, source: Source): { found: BackgroundStep[]; all: string[] } {
    const local = this.backgrounds.filter((b) => b.step.name === name && b.fragment === source.fragment);
    const found = local.length ? local : this.backgrounds.filter((b) => b.step.name === name);
    return { found: found.map((b) => b.step), all: [...new Set(this.backgrounds.map((b) => b.step.name))] };
  }

  nodes(source: Source, on: string | string[] | undefined, path: Path): string[] {
    const lab = this.lab.nodes.map((n) => n.name);
    if (on === undefined || on === 'all') return lab;
    const names = typeof on === 'string' ? [on] : on;
    names.forEach((n, k) => {
      if (!lab.includes(n)) {
        const at = typeof on === 'string' ? [...path, 'on'] : [...path, 'on', k];
        this.problem(
          source.doc.locate(at),
          n === 'all' ? "'all' can not be part of a list" : `unknown node '${n}' (the lab's nodes: ${lab.join(', ')}, or all)`,
        );
      }
    });
    return [...new Set(names)];
  }

  duration(source: Source, text: string, at: Path): number {
    const ms = parseDuration(text);
    if (ms === null || ms <= 0) {
      this.problem(source.doc.locate(at), `'${text}' is not a positive duration such as 500ms, 5s or 2m`);
      return 1;
    }
    return ms;
  }

  expectation(source: Source, raw: ExpectFile | undefined, at: Path, captures: ReadonlySet<string>): Expectation {
    return compileExpectation(this, source, raw, at, captures);
  }

  capture(source: Source, raw: CaptureFile, at: Path, nodes: string[], phase: Phase): CaptureSpec | null {
    return compileCapture(this, source, raw, at, nodes, phase, this.made);
  }

  misplacedKeys(source: Source, step: StepFile, path: Path, keys: readonly (keyof StepFile)[], why: string): void {
    for (const key of keys) if (step[key] !== undefined) this.problem(source.doc.locateKey([...path, key]), `${key} ${why}`);
  }

  nextId(phase: Phase): string {
    this.counters[phase] += 1;
    return phase === 'main' ? String(this.counters.main) : `c${this.counters.cleanup}`;
  }
}

function stringVars(vars: Record<string, string | number | boolean> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(vars ?? {}).map(([k, v]) => [k, String(v)]));
}
