/**
 * Scenario file -> plan. Reads and validates the YAML (schema.ts), splices fragments in, and checks
 * everything that can be checked before a node is touched: nodes named in `on`, `${{ }}` expressions,
 * captures used before they are made, regexes, JSON paths, durations, keys that do not belong together.
 * All problems are collected and thrown as one InputError (exit 2), each with file, line, column and field.
 */
import { courseRefs } from './course.js';
import { existsSync, readdirSync } from 'node:fs';
import { basename, extname, isAbsolute, join, resolve } from 'node:path';
import semver from 'semver';
import { InputError, type Location } from '../../errors.js';
import { DISCOVERY_TIMEOUT_MS } from '../../graph/discover.js';
import type { Lab } from '../../lab/model.js';
import { formatProblem, LocatedDocument } from '../../yaml/located.js';
import type { CaptureSpec } from '../judge/capture.js';
import { parseDuration } from './duration.js';
import { regexError, regexLiteral, type Expectation, type JsonCheck, type JsonOp, type StringCheck, type StringOp } from '../judge/expect.js';
import { findPlaceholders } from './interpolate.js';
import { parseJsonPath } from '../judge/json-path.js';
import type { GraphStep, LeafStep, ParallelStep, PlanStep, ScenarioPlan, StopBackgroundStep, Verification } from '../plan.js';
import { fragmentSchema, scenarioSchema, type CaptureFile, type ExpectFile, type StepFile, type StringMatcherFile } from './schema.js';
import { resolveExpression } from './scope.js';

export interface LoadOptions {
  scenariosDir: string;
  lab: Lab;
}

const DEFAULT_TIMEOUT = '60s';
const STUDENT_KEYS = ['explain', 'hint', 'check', 'confirm'] as const;
const DEFAULT_RETRY_EVERY = '1s';

/** `overlay` -> `<scenariosDir>/overlay.yaml`; anything that looks like a path is taken as one. */
export function scenarioPath(nameOrPath: string, scenariosDir: string): string {
  if (nameOrPath.includes('/') || /\.ya?ml$/.test(nameOrPath)) return isAbsolute(nameOrPath) ? nameOrPath : resolve(nameOrPath);
  return join(scenariosDir, `${nameOrPath}.yaml`);
}

function fragmentPath(name: string, scenariosDir: string): string {
  return join(scenariosDir, 'fragments', `${name}.yaml`);
}

export function loadScenarioFile(file: string, options: LoadOptions): ScenarioPlan {
  if (!existsSync(file)) throw new InputError(`${file}: no such scenario${availableHint(options.scenariosDir)}`, [{ loc: { file }, message: 'no such file' }]);
  const doc = LocatedDocument.read(file);
  const raw = doc.validate(scenarioSchema, 'invalid scenario');
  const b = new PlanBuilder(options);

  const expectedName = basename(file, extname(file));
  if (raw.name !== expectedName) b.problem(doc.locate(['name']), `name '${raw.name}' must equal the file name '${expectedName}'`);
  if (raw.requires && semver.validRange(raw.requires.docker) === null) b.problem(doc.locate(['requires', 'docker']), `'${raw.requires.docker}' is not a semver range (e.g. "<23" or ">=20.10 <23")`);

  const source: Source = { doc, vars: stringVars(raw.vars), fragment: null };
  const steps = b.steps(source, raw.steps, ['steps'], 'main');
  // Teardown steps are main steps that come last: numbered on from the lesson, and seeing its captures.
  const teardown = b.steps(source, raw.teardown ?? [], ['teardown'], 'main');
  // Cleanup may use any capture (at run time, one never made fails that cleanup step, not the others).
  const cleanup = [...b.steps(source, raw.cleanup ?? [], ['cleanup'], 'cleanup'), ...b.fragmentCleanups()];
  b.throwIfProblems();
  return { name: raw.name, file, description: raw.description.trim(), course: courseRefs(raw.course), requires: raw.requires ?? null, images: raw.images ?? [], steps, teardown, cleanup };
}

interface Source {
  doc: LocatedDocument;
  vars: Record<string, string>;
  /** The fragment's name when the steps come from one. */
  fragment: string | null;
}

type Phase = 'main' | 'cleanup';
type Path = (string | number)[];

class PlanBuilder {
  private readonly problems: { loc: Location; message: string }[] = [];
  /** Captures made by the steps built so far, in order: what a step may use. */
  private readonly captures = new Set<string>();
  private readonly pendingFragmentCleanups: { source: Source; raw: StepFile[] }[] = [];
  private readonly counters: Record<Phase, number> = { main: 0, cleanup: 0 };
  /** Background steps built so far, for `stop:` in cleanup. */
  private readonly backgrounds: { step: LeafStep; fragment: string | null }[] = [];

  constructor(private readonly options: LoadOptions) {}

  problem(loc: Location, message: string): void {
    this.problems.push({ loc, message });
  }

  throwIfProblems(): void {
    if (this.problems.length === 0) return;
    const head = this.problems[0]!;
    const more = this.problems.length > 1 ? ` (and ${this.problems.length - 1} more)` : '';
    throw new InputError(`invalid scenario: ${formatProblem(head)}${more}`, this.problems);
  }

  steps(source: Source, raw: readonly StepFile[], base: Path, phase: Phase): PlanStep[] {
    return raw.flatMap((step, i) => this.step(source, step, [...base, i], phase));
  }

  fragmentCleanups(): PlanStep[] {
    // Reverse order of use: what was set up last is torn down first.
    return [...this.pendingFragmentCleanups].reverse().flatMap(({ source, raw }) => this.steps(source, raw, ['cleanup'], 'cleanup'));
  }

  private step(source: Source, step: StepFile, path: Path, phase: Phase): PlanStep[] {
    const forms = (['run', 'parallel', 'use', 'stop', 'graph'] as const).filter((k) => step[k] !== undefined);
    if (forms.length === 0) {
      this.problem(source.doc.locate(path), `a step needs one of run, parallel or use${phase === 'cleanup' ? ' (or stop)' : ''}`);
      return [];
    }
    if (forms.length > 1) {
      this.problem(source.doc.locateKey([...path, forms[1]!]), `a step has either run, parallel, use, stop or graph, not ${forms.join(' and ')}`);
      return [];
    }
    if (step.stop !== undefined || step.use !== undefined || phase === 'cleanup') {
      this.misplacedKeys(source, step, path, STUDENT_KEYS, phase === 'cleanup' ? 'is not allowed in cleanup (a student types only the steps)' : `does not apply to a ${forms[0]} step`);
    }
    if (step.stop !== undefined) return this.stop(source, step, path, phase);
    if (step.graph !== undefined) return [this.graph(source, step, path, phase)];
    if (step.use !== undefined) return this.use(source, step, path, phase);
    if (step.parallel !== undefined) return [this.withGuide(source, step, path, phase, this.parallel(source, step, path, phase))];
    this.misplacedKeys(source, step, path, ['with'], 'applies only to a use step');
    const leaf = this.leaf(source, step, path, phase, this.nextId(phase), this.captures);
    if (leaf?.kind === 'background') this.backgrounds.push({ step: leaf, fragment: source.fragment });
    return leaf ? [this.withGuide(source, step, path, phase, leaf)] : [];
  }

  /** A main step's explanation, hint and verification; checks are built like steps and see every capture so far. */
  private withGuide<T extends LeafStep | ParallelStep>(source: Source, step: StepFile, path: Path, phase: Phase, built: T): T {
    if (phase !== 'main') return built;
    if (step.check !== undefined && step.confirm !== undefined) {
      this.problem(source.doc.locateKey([...path, 'confirm']), 'a step has either check or confirm: true, not both (confirm is for a step that can not be checked)');
    }
    if (step.confirm && step.capture !== undefined) {
      this.problem(source.doc.locateKey([...path, 'capture']), 'a confirm step makes no capture in exercise mode (nothing runs there); take the value in a check: instead');
    }
    let verify: Verification;
    if (step.check !== undefined) {
      const raw = Array.isArray(step.check) ? step.check : [step.check];
      const checks = raw.flatMap((c, k) => {
        const where: Path = Array.isArray(step.check) ? [...path, 'check', k] : [...path, 'check'];
        const leaf = this.leaf(source, c, where, phase, `${built.id}.check${raw.length > 1 ? k + 1 : ''}`, this.captures);
        return leaf?.kind === 'command' ? [{ ...leaf, name: c.name ?? `check: ${leaf.name}` }] : [];
      });
      verify = { kind: 'check', checks };
    } else if (step.confirm || built.kind === 'background' || (built.kind === 'parallel' && built.steps.some((s) => s.kind === 'background'))) {
      // A daemon can not be started again to see that it runs: without a check, the student says it does.
      verify = { kind: 'confirm' };
    } else {
      verify = { kind: 'rerun' };
    }
    built.guide = { explain: step.explain?.trim() ?? null, hint: step.hint?.trim() ?? null, verify };
    return built;
  }

  private stop(source: Source, step: StepFile, path: Path, phase: Phase): PlanStep[] {
    const { doc } = source;
    if (phase !== 'cleanup') {
      this.problem(doc.locateKey([...path, 'stop']), 'stop belongs in cleanup (background processes run until then)');
      return [];
    }
    this.misplacedKeys(source, step, path, ['on', 'sudo', 'timeout', 'expect', 'retry', 'capture', 'background', 'with'], 'does not apply to a stop step');
    const name = step.stop!;
    // The fragment's own steps first: its cleanup names its own daemons.
    const local = this.backgrounds.filter((b) => b.step.name === name && b.fragment === source.fragment);
    const found = local.length ? local : this.backgrounds.filter((b) => b.step.name === name);
    if (found.length === 0) {
      const names = [...new Set(this.backgrounds.map((b) => b.step.name))];
      this.problem(doc.locate([...path, 'stop']), `no background step named '${name}' (background steps: ${names.join(', ') || 'none'})`);
      return [];
    }
    const id = this.nextId('cleanup');
    const stopStep: StopBackgroundStep = {
      kind: 'stop-background',
      id,
      slug: slug(id, `stop ${name}`),
      name: step.name ?? `stop ${name}`,
      targets: found.map((b) => b.step.id),
      nodes: [...new Set(found.flatMap((b) => b.step.nodes))],
      origin: doc.locate(path),
    };
    return [stopStep];
  }

  private graph(source: Source, step: StepFile, path: Path, phase: Phase): GraphStep {
    this.misplacedKeys(source, step, path, ['sudo', 'timeout', 'expect', 'retry', 'capture', 'background', 'with'], 'does not apply to a graph step');
    const id = this.nextId(phase);
    const name = step.name ?? step.graph!;
    return { kind: 'graph', id, slug: slug(id, name), name, nodes: this.nodes(source, step.on, path), timeoutMs: DISCOVERY_TIMEOUT_MS, origin: source.doc.locate(path) };
  }

  private parallel(source: Source, step: StepFile, path: Path, phase: Phase): ParallelStep {
    this.misplacedKeys(source, step, path, ['on', 'sudo', 'timeout', 'expect', 'retry', 'capture', 'background', 'with'], 'does not apply to a parallel group; put it on the steps inside');
    // (parallel items are validated by commandStepSchema: each has run, and no use/stop/parallel)
    const id = this.nextId(phase);
    // Steps of one group run at the same time: a capture made inside is usable after the group, not within.
    const visible = new Set(this.captures);
    const made: string[] = [];
    const children = step.parallel!.flatMap((child, k) => {
      const leaf = this.leaf(source, child, [...path, 'parallel', k], phase, `${id}.${k + 1}`, visible);
      if (leaf?.kind === 'command' && leaf.capture) made.push(leaf.capture.name);
      if (leaf?.kind === 'background') this.backgrounds.push({ step: leaf, fragment: source.fragment });
      return leaf ? [leaf] : [];
    });
    for (const name of made) this.captures.add(name);
    const name = step.name ?? `parallel: ${children.map((c) => c.name).join(' | ')}`;
    return { kind: 'parallel', id, slug: slug(id, name), name, steps: children, origin: source.doc.locate(path) };
  }

  private use(source: Source, step: StepFile, path: Path, phase: Phase): PlanStep[] {
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
    this.misplacedKeys(source, step, path, ['on', 'sudo', 'timeout', 'expect', 'retry', 'capture', 'background', 'name'], 'does not apply to a use step (only with: does)');
    const file = fragmentPath(name, this.options.scenariosDir);
    if (!existsSync(file)) {
      const available = listYaml(join(this.options.scenariosDir, 'fragments'));
      this.problem(doc.locate([...path, 'use']), `no fragment '${name}': ${file} does not exist (fragments: ${available.join(', ') || 'none'})`);
      return [];
    }
    let fdoc: LocatedDocument;
    let raw;
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
      const r = ph.expr.startsWith('vars.') ? resolveExpression(ph.expr, { lab: this.options.lab, vars: source.vars, captures: {} }) : { ok: false as const, message: `with: values can use only vars.* ('${ph.expr}')` };
      if (!r.ok) this.problem(source.doc.locateText(at, text.slice(ph.start, ph.end)), r.message);
      else out = out.slice(0, ph.start) + r.value + out.slice(ph.end);
    }
    return out;
  }

  private leaf(source: Source, step: StepFile, path: Path, phase: Phase, id: string, visibleCaptures: ReadonlySet<string>): LeafStep | null {
    const { doc } = source;
    const run = step.run!;
    const nodes = this.nodes(source, step.on, path);
    const name = step.name ?? firstLine(run);
    const timeoutMs = this.duration(source, step.timeout ?? DEFAULT_TIMEOUT, [...path, 'timeout']);
    this.checkPlaceholders(source, run, [...path, 'run'], visibleCaptures);
    const base = { id, slug: slug(id, name), name, nodes, run, sudo: step.sudo ?? false, timeoutMs, vars: source.vars, origin: doc.locate(path) };

    if (step.background) {
      if (phase === 'cleanup') this.problem(doc.locateKey([...path, 'background']), 'background is not allowed in cleanup');
      for (const key of ['expect', 'capture', 'retry'] as const) {
        if (step[key] !== undefined) this.problem(doc.locateKey([...path, key]), `${key} is not allowed on a background step (it is judged only on starting)`);
      }
      return { kind: 'background', ...base };
    }

    const expect = this.expectation(source, step.expect, [...path, 'expect'], visibleCaptures);
    let retry: { forMs: number; everyMs: number } | null = null;
    if (step.retry) retry = { forMs: this.duration(source, step.retry.for, [...path, 'retry', 'for']), everyMs: this.duration(source, step.retry.every ?? DEFAULT_RETRY_EVERY, [...path, 'retry', 'every']) };
    const capture = step.capture === undefined ? null : this.capture(source, step.capture, [...path, 'capture'], nodes, phase);
    return { kind: 'command', ...base, expect, retry, capture };
  }

  private nodes(source: Source, on: string | string[] | undefined, path: Path): string[] {
    const lab = this.options.lab.nodes.map((n) => n.name);
    if (on === undefined || on === 'all') return lab;
    const names = typeof on === 'string' ? [on] : on;
    names.forEach((n, k) => {
      if (!lab.includes(n)) {
        const at = typeof on === 'string' ? [...path, 'on'] : [...path, 'on', k];
        this.problem(source.doc.locate(at), n === 'all' ? "'all' can not be part of a list" : `unknown node '${n}' (the lab's nodes: ${lab.join(', ')}, or all)`);
      }
    });
    return [...new Set(names)];
  }

  private duration(source: Source, text: string, at: Path): number {
    const ms = parseDuration(text);
    if (ms === null || ms <= 0) {
      this.problem(source.doc.locate(at), `'${text}' is not a positive duration such as 500ms, 5s or 2m`);
      return 1;
    }
    return ms;
  }

  private capture(source: Source, raw: CaptureFile, at: Path, nodes: string[], phase: Phase): CaptureSpec | null {
    const { doc } = source;
    if (phase === 'cleanup') {
      this.problem(doc.locateKey(at), 'capture is not allowed in cleanup (nothing runs after it)');
      return null;
    }
    if (nodes.length !== 1) {
      this.problem(doc.locateKey(at), `capture needs a step on one node; this one runs on ${nodes.join(', ')}`);
      return null;
    }
    const name = typeof raw === 'string' ? raw : raw.name;
    if (this.captures.has(name)) this.problem(doc.locate(typeof raw === 'string' ? at : [...at, 'name']), `capture '${name}' is already made by an earlier step`);
    let spec: CaptureSpec | null = { name, kind: 'stdout' };
    if (typeof raw !== 'string' && 'regex' in raw) {
      const error = regexError(raw.regex, '');
      if (error) this.problem(doc.locate([...at, 'regex']), `invalid regex: ${error}`);
      spec = error ? null : { name, kind: 'regex', source: raw.regex };
    } else if (typeof raw !== 'string' && 'json' in raw) {
      const path = parseJsonPath(raw.json);
      if (!path) this.problem(doc.locate([...at, 'json']), `'${raw.json}' is not a JSON path such as $[0].Id or $.Name`);
      spec = path ? { name, kind: 'json', path, pathText: raw.json } : null;
    }
    this.captures.add(name);
    return spec;
  }

  private expectation(source: Source, raw: ExpectFile | undefined, at: Path, captures: ReadonlySet<string>): Expectation {
    const e: Expectation = { exit: [0], stdout: [], stderr: [], json: [] };
    if (!raw) return e;
    if (raw.exit !== undefined) e.exit = typeof raw.exit === 'number' ? [raw.exit] : raw.exit;
    for (const stream of ['stdout', 'stderr'] as const) {
      const matcher = raw[stream];
      if (matcher !== undefined) e[stream] = this.stringChecks(source, matcher, [...at, stream], captures);
    }
    (raw.json ?? []).forEach((c, k) => {
      const cat: Path = [...at, 'json', k];
      const path = parseJsonPath(c.path);
      if (!path) {
        this.problem(source.doc.locate([...cat, 'path']), `'${c.path}' is not a JSON path such as $[0].Scope or $.Name`);
        return;
      }
      for (const op of ['equals', 'exists', 'contains', 'matches'] as JsonOp[]) {
        const value = c[op];
        if (value === undefined) continue;
        const check: JsonCheck = { path, pathText: c.path, op, value, flags: '' };
        if (op === 'matches') {
          const lit = regexLiteral(String(value)) ?? { source: String(value), flags: '' };
          Object.assign(check, { value: lit.source, flags: lit.flags });
          this.checkRegex(source, lit.source, lit.flags, [...cat, op], captures);
        } else this.checkTextsIn(source, value, [...cat, op], captures);
        e.json.push(check);
      }
    });
    return e;
  }

  private stringChecks(source: Source, matcher: StringMatcherFile, at: Path, captures: ReadonlySet<string>): StringCheck[] {
    const entries: [StringOp, string, Path][] =
      typeof matcher === 'string'
        ? [[regexLiteral(matcher) ? 'matches' : 'equals', matcher, at]]
        : (['equals', 'contains', 'matches', 'not_matches'] as const).flatMap((op) => {
            const given = matcher[op];
            if (given === undefined) return [];
            return typeof given === 'string' ? [[op, given, [...at, op]]] : given.map((text, i): [StringOp, string, Path] => [op, text, [...at, op, i]]);
          });
    return entries.map(([op, text, where]) => {
      if (op === 'matches' || op === 'not_matches') {
        const lit = regexLiteral(text) ?? { source: text, flags: '' };
        this.checkRegex(source, lit.source, lit.flags, where, captures);
        return { op, value: lit.source, flags: lit.flags };
      }
      this.checkPlaceholders(source, text, where, captures);
      return { op, value: text, flags: '' };
    });
  }

  private checkRegex(source: Source, regex: string, flags: string, at: Path, captures: ReadonlySet<string>): void {
    if (!this.checkPlaceholders(source, regex, at, captures)) return;
    // Placeholder values are inserted escaped, so any literal stands in for them here.
    const error = regexError(regex.replace(/\$\{\{[^}]*\}\}/g, 'x'), flags);
    if (error) this.problem(source.doc.locate(at), `invalid regex: ${error}`);
  }

  private checkTextsIn(source: Source, value: unknown, at: Path, captures: ReadonlySet<string>): void {
    if (typeof value === 'string') this.checkPlaceholders(source, value, at, captures);
    else if (Array.isArray(value)) value.forEach((v, k) => this.checkTextsIn(source, v, [...at, k], captures));
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) this.checkTextsIn(source, v, [...at, k], captures);
  }

  /** True when every `${{ }}` in `text` names something that will exist when the step runs. */
  private checkPlaceholders(source: Source, text: string, at: Path, captures: ReadonlySet<string>): boolean {
    const scan = findPlaceholders(text);
    if (!scan.ok) {
      this.problem(source.doc.locateText(at, text.slice(scan.index, scan.index + 3)), scan.message);
      return false;
    }
    let ok = true;
    for (const ph of scan.placeholders) {
      const r = resolveExpression(ph.expr, { lab: this.options.lab, vars: source.vars, captures: Object.fromEntries([...captures].map((c) => [c, ''])) });
      if (!r.ok) {
        ok = false;
        this.problem(source.doc.locateText(at, text.slice(ph.start, ph.end)), r.message);
      }
    }
    return ok;
  }

  private misplacedKeys(source: Source, step: StepFile, path: Path, keys: readonly (keyof StepFile)[], why: string): void {
    for (const key of keys) if (step[key] !== undefined) this.problem(source.doc.locateKey([...path, key]), `${key} ${why}`);
  }

  private nextId(phase: Phase): string {
    this.counters[phase] += 1;
    return phase === 'main' ? String(this.counters.main) : `c${this.counters.cleanup}`;
  }
}

function stringVars(vars: Record<string, string | number | boolean> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(vars ?? {}).map(([k, v]) => [k, String(v)]));
}

function firstLine(text: string): string {
  const line = text.trim().split('\n')[0] ?? text;
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}

function slug(id: string, name: string): string {
  const words = name
    .toLowerCase()
    .replace(/\$\{\{[^}]*\}\}/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40)
    .replace(/-$/, '');
  return `${id.replace(/\./g, '-').padStart(2, '0')}${words ? `-${words}` : ''}`;
}

export function listYaml(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => f.replace(/\.ya?ml$/, ''))
    .sort();
}

function availableHint(dir: string): string {
  const names = listYaml(dir);
  return names.length ? ` (scenarios in ${dir}: ${names.join(', ')})` : '';
}
