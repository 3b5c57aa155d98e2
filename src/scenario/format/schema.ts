/**
 * The scenario file format, as zod schemas: the single source of truth for validation (load.ts) and for the
 * editor's JSON Schema (write-schema.ts), made of the blocks in keys.ts and the keys each step kind brings.
 * These schemas describe the file as written; cross-field and cross-file rules (known nodes, defined captures,
 * regexes, fragments) are checked in load.ts, which turns the validated file into a plan.
 */
import { z } from 'zod';
import { COURSE_IMAGES } from '../../images/catalog.js';
import { STEP_KEYS } from '../kinds/registry.js';
import { courseSchema } from './course.js';
import { type captureSchema, commandKeys, type expectSchema, identifier, scalar, studentKeys } from './keys.js';

/**
 * One object with every key optional rather than a union of three shapes: a union makes zod report "no
 * branch matched", while this lets load.ts say exactly which keys conflict.
 */
const stepSchema = z.strictObject({
  ...commandKeys,
  run: commandKeys.run.optional(),
  ...STEP_KEYS,
  use: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'must be a fragment name (a file in scenarios/fragments/)')
    .optional()
    .describe('instead of run: a fragment from scenarios/fragments/<name>.yaml'),
  with: z.record(identifier, scalar).optional().describe("values for the fragment's vars"),
  ...studentKeys,
});

const varsSchema = z.record(identifier, scalar).describe('constants, used as ${{ vars.name }}');

export const scenarioSchema = z
  .strictObject({
    $schema: z.string().optional(),
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'must be a simple name (the file name without .yaml)')
      .describe('must equal the file name'),
    description: z.string().min(1).describe('what the experiment teaches; shown by --list'),
    course: courseSchema.optional(),
    variant: z
      .strictObject({
        of: z
          .string()
          .regex(/^[a-z0-9][a-z0-9-]*$/)
          .describe("the lesson's name: the file named so is the course's own way, preferred where its Docker range fits"),
        name: z
          .string()
          .regex(/^[a-z0-9][a-z0-9-]*$/)
          .describe('this way of teaching it, as the matrix and the exercise show it (e.g. etcd, swarm)'),
      })
      .optional()
      .describe("this file is one way to teach a lesson that Docker changed: the runner picks the way the lab's Docker fits"),
    requires: z
      .strictObject({ docker: z.string().min(1).describe('a semver range checked against every node\'s Docker daemon, e.g. "<23"') })
      .optional()
      .describe('unmet => the scenario is reported skipped, with the reason'),
    images: z
      .array(z.enum(COURSE_IMAGES))
      .optional()
      .describe(
        "the course images the lesson uses (made from Debian's packages, as no registry is reachable): put on every node that lacks them before the first step",
      ),
    vars: varsSchema.optional(),
    steps: z.array(stepSchema).min(1, 'a scenario needs at least one step'),
    teardown: z
      .array(stepSchema)
      .optional()
      .describe(
        "the course's own undo steps (delete what the lesson made, and see it gone): run after steps, except with --keep; the student types them last, and --check does not count them",
      ),
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
