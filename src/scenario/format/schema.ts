/**
 * The scenario file format, as zod schemas: the single source of truth for validation (load.ts) and for the
 * editor's JSON Schema (write-schema.ts). These schemas describe the file as written; cross-field and
 * cross-file rules (known nodes, defined captures, regexes, fragments) are checked in load.ts, which turns
 * the validated file into a plan.
 */
import { z } from 'zod';
import { COURSE_IMAGES } from '../../images/catalog.js';
import { courseSchema } from './course.js';
import { DURATION_PATTERN } from './duration.js';

const duration = z.string().regex(DURATION_PATTERN, "must be a duration such as 500ms, 5s, 2m or 1h");

const identifier = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a name made of letters, digits and _ (not starting with a digit)');

const scalar = z.union([z.string(), z.number(), z.boolean()]);

/** One text, or a list where every one must hold: a course output often has several things to see. */
const oneOrMore = z.union([z.string(), z.array(z.string()).min(1, 'list at least one')]);

/** `/regex/flags` means "matches"; anything else means "the trimmed output equals it". */
const stringMatcher = z.union([
  z.string(),
  z
    .strictObject({
      equals: z.string().optional().describe('the trimmed output equals this'),
      contains: oneOrMore.optional().describe('the output contains this (each of these)'),
      matches: oneOrMore.optional().describe('a regular expression the output must match (each of these)'),
      not_matches: oneOrMore.optional().describe('a regular expression the output must not match (none of these)'),
    })
    .refine((m) => Object.values(m).some((v) => v !== undefined), 'give at least one of equals, contains, matches, not_matches'),
]);

const jsonCheck = z
  .strictObject({
    path: z.string().describe('a JSON path such as $[0].Scope or $.Containers'),
    equals: z.unknown().optional().describe('the value at the path equals this'),
    exists: z.boolean().optional().describe('true: the path must exist; false: it must not'),
    contains: z.unknown().optional().describe('a string value contains this text, or an array contains this element'),
    matches: z.string().optional().describe('the value, as text, matches this regular expression'),
  })
  .refine((c) => c.equals !== undefined || c.exists !== undefined || c.contains !== undefined || c.matches !== undefined, 'give at least one of equals, exists, contains, matches');

const expectSchema = z
  .strictObject({
    exit: z.union([z.number().int(), z.array(z.number().int()).min(1)]).optional().describe('accepted exit code(s); default 0'),
    stdout: stringMatcher.optional(),
    stderr: stringMatcher.optional(),
    json: z.array(jsonCheck).min(1).optional().describe('stdout parsed as JSON; every path must hold'),
  })
  .describe('what must hold; without it, exit code 0 is expected');

const captureSchema = z.union([
  identifier.describe('save the trimmed stdout under this name'),
  z.strictObject({ name: identifier, regex: z.string().describe('first group, or the whole match, of this regex on stdout') }),
  z.strictObject({ name: identifier, json: z.string().describe('the value at this JSON path of stdout') }),
]);

const onSchema = z
  .union([z.string().min(1), z.array(z.string().min(1)).min(1, 'list at least one node')])
  .describe('`all`, a node name, or a list of node names; several nodes run in parallel. Default `all`.');

/** Keys shared by every step that runs a command. */
const commandKeys = {
  name: z.string().min(1).optional().describe('shown in progress and reports; defaults to the first line of run'),
  on: onSchema.optional(),
  run: z.string().min(1).describe('shell, run with bash -c as the node user, sbin folders on PATH'),
  sudo: z.boolean().optional().describe('run the whole command as root (sudo -n ... bash -c ...)'),
  timeout: duration.optional().describe('per attempt; default 60s'),
  expect: expectSchema.optional(),
  retry: z
    .strictObject({ for: duration.describe('give up after this long'), every: duration.optional().describe('pause between attempts; default 1s') })
    .optional()
    .describe('run again until expect holds or the deadline passes'),
  capture: captureSchema.optional(),
  background: z.boolean().optional().describe('a daemon: started detached, stopped after cleanup; no expect/capture'),
};

/** A step inside `parallel:`: runs a command, nothing else. */
const commandStepSchema = z.strictObject(commandKeys);

/**
 * One read-only verification of a step: what exercise mode polls while the student types, and what
 * `lab scenario` runs right after the step. It must not change the node.
 */
const checkSchema = z
  .strictObject({
    name: commandKeys.name.describe('what is verified, in plain words; shown when it fails (default: the first line of run)'),
    on: commandKeys.on,
    run: z.string().min(1).describe('a read-only command: it must not change the node'),
    sudo: commandKeys.sudo,
    timeout: commandKeys.timeout,
    expect: commandKeys.expect,
    retry: commandKeys.retry.describe('lab scenario only: run again until expect holds (a state that settles, e.g. a daemon starting)'),
    capture: commandKeys.capture.describe('a value for later steps, taken by the check (in exercise mode the student ran the step, so only its check can take it)'),
  })
  .describe('a read-only verification: a command with its own expect');

/** Keys that guide a student through a step in exercise mode (`lab exercise`). */
const studentKeys = {
  explain: z.string().min(1).optional().describe('Markdown shown to the student: what the step teaches'),
  hint: z.string().min(1).optional().describe('shown when the check fails after Enter'),
  check: z
    .union([checkSchema, z.array(checkSchema).min(1, 'list at least one check')])
    .optional()
    .describe('read-only verification(s) that the step is done; lab scenario runs them after run'),
  confirm: z.literal(true).optional().describe('no check: in exercise mode the student confirms the step with Enter'),
};

/**
 * One object with every key optional rather than a union of three shapes: a union makes zod report "no
 * branch matched", while this lets load.ts say exactly which keys conflict.
 */
const stepSchema = z.strictObject({
  ...commandKeys,
  run: commandKeys.run.optional(),
  parallel: z.array(commandStepSchema).min(1).optional().describe('instead of run: steps run at the same time'),
  use: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'must be a fragment name (a file in scenarios/fragments/)').optional().describe('instead of run: a fragment from scenarios/fragments/<name>.yaml'),
  with: z.record(identifier, scalar).optional().describe("values for the fragment's vars"),
  stop: z.string().min(1).optional().describe('cleanup only, instead of run: stop the processes of the background step with this name, now'),
  graph: z.string().min(1).optional().describe('instead of run: snapshot the topology (`lab graph`) into the run\'s folder, under this title'),
  ...studentKeys,
});

const varsSchema = z.record(identifier, scalar).describe('constants, used as ${{ vars.name }}');

export const scenarioSchema = z
  .strictObject({
    $schema: z.string().optional(),
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'must be a simple name (the file name without .yaml)').describe('must equal the file name'),
    description: z.string().min(1).describe('what the experiment teaches; shown by --list'),
    course: courseSchema.optional(),
    requires: z
      .strictObject({ docker: z.string().min(1).describe('a semver range checked against every node\'s Docker daemon, e.g. "<23"') })
      .optional()
      .describe('unmet => the scenario is reported skipped, with the reason'),
    images: z
      .array(z.enum(COURSE_IMAGES))
      .optional()
      .describe("the course images the lesson uses (made from Debian's packages, as no registry is reachable): put on every node that lacks them before the first step"),
    vars: varsSchema.optional(),
    steps: z.array(stepSchema).min(1, 'a scenario needs at least one step'),
    teardown: z
      .array(stepSchema)
      .optional()
      .describe("the course's own undo steps (delete what the lesson made, and see it gone): run after steps, except with --keep; the student types them last, and --check does not count them"),
    cleanup: z.array(stepSchema).optional().describe('always runs: after success, failure, timeout or Ctrl-C (unless --keep)'),
  })
  .describe('A docker-lab scenario: one experiment of the course.');

export const fragmentSchema = z
  .strictObject({
    $schema: z.string().optional(),
    description: z.string().min(1),
    vars: varsSchema.optional().describe('defaults, overridden by `with:` of the step that uses the fragment'),
    steps: z.array(stepSchema).min(1, 'a fragment needs at least one step'),
    cleanup: z.array(stepSchema).optional().describe('runs after the cleanup of the scenario that uses it'),
  })
  .describe('A docker-lab scenario fragment, spliced in by `- use: <name>`.');

export type StepFile = z.output<typeof stepSchema>;
export type ExpectFile = z.output<typeof expectSchema>;
export type CaptureFile = z.output<typeof captureSchema>;
export type StringMatcherFile = NonNullable<ExpectFile['stdout']>;

/** The JSON Schema editors use (yaml-language-server). Generated from the same zod schema as the validator. */
export function scenarioJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any', reused: 'ref' }) as Record<string, unknown>;
}
