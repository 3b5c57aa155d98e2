/**
 * The building blocks of the scenario file format, as zod schemas: what every step that runs a command may say,
 * its expectation and capture, its checks and its student guide. schema.ts puts them together with the keys the
 * step kinds bring (kinds/registry.ts); a kind that needs a block takes it from here.
 */
import { z } from 'zod';
import { DURATION_PATTERN } from './duration.js';

const duration = z.string().regex(DURATION_PATTERN, 'must be a duration such as 500ms, 5s, 2m or 1h');

export const identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a name made of letters, digits and _ (not starting with a digit)');

export const scalar = z.union([z.string(), z.number(), z.boolean()]);

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
  .refine(
    (c) => c.equals !== undefined || c.exists !== undefined || c.contains !== undefined || c.matches !== undefined,
    'give at least one of equals, exists, contains, matches',
  );

export const expectSchema = z
  .strictObject({
    exit: z
      .union([z.number().int(), z.array(z.number().int()).min(1)])
      .optional()
      .describe('accepted exit code(s); default 0'),
    stdout: stringMatcher.optional(),
    stderr: stringMatcher.optional(),
    json: z.array(jsonCheck).min(1).optional().describe('stdout parsed as JSON; every path must hold'),
  })
  .describe('what must hold; without it, exit code 0 is expected');

export const captureSchema = z.union([
  identifier.describe('save the trimmed stdout under this name'),
  z.strictObject({ name: identifier, regex: z.string().describe('first group, or the whole match, of this regex on stdout') }),
  z.strictObject({ name: identifier, json: z.string().describe('the value at this JSON path of stdout') }),
]);

const onSchema = z
  .union([z.string().min(1), z.array(z.string().min(1)).min(1, 'list at least one node')])
  .describe('`all`, a node name, or a list of node names; several nodes run in parallel. Default `all`.');

/** Keys shared by every step that runs a command. */
export const commandKeys = {
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
export const commandStepSchema = z.strictObject(commandKeys);

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
    capture: commandKeys.capture.describe(
      'a value for later steps, taken by the check (in exercise mode the student ran the step, so only its check can take it)',
    ),
  })
  .describe('a read-only verification: a command with its own expect');

/**
 * What collects a step's evidence while the step is on: the traffic of a ping, the trace of a packet. A check
 * must not make what it reads (a check that pings credits its own ping), so the step's checks read this
 * instead, as `${{ watch.output }}`.
 */
const watchSchema = z
  .strictObject({
    name: commandKeys.name.describe('what is watched, in plain words (default: the first line of run)'),
    on: z.string().min(1).optional().describe("the one node it runs on; default the step's node, when it has one"),
    run: z
      .string()
      .min(1)
      .describe(
        'a command that runs until stopped and prints what it sees, line by line, e.g. tcpdump -l -n -i docker0 icmp; it must print something once it is ready (tcpdump says "listening on")',
      ),
    sudo: commandKeys.sudo,
    timeout: duration.optional().describe('how long it may take to print its first line; default 10s'),
  })
  .describe(
    "started before the step's command and stopped once its checks have judged (exercise mode: while the step is on screen); its output is a file on its node, ${{ watch.output }} in the checks",
  );

/** Keys that guide a student through a step in exercise mode (`lab exercise`). */
export const studentKeys = {
  explain: z.string().min(1).optional().describe('Markdown shown to the student: what the step teaches'),
  hint: z.string().min(1).optional().describe('shown when the check fails after Enter'),
  check: z
    .union([checkSchema, z.array(checkSchema).min(1, 'list at least one check')])
    .optional()
    .describe('read-only verification(s) that the step is done; lab scenario runs them after run'),
  watch: watchSchema.optional(),
  confirm: z.literal(true).optional().describe('no check: in exercise mode the student confirms the step with Enter'),
};
