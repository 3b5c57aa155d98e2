/**
 * Which part of the course notes a scenario reproduces: `course: { note: "003", section: ... }`, or a list of
 * them when a lesson spans notes. Shown by `scenario --list`, so a student finds the scenario for a page.
 */
import { z } from 'zod';

const NOTE_NUMBER = 'must be a note number of three digits, e.g. "003" (quote it: unquoted, 003 is the number 3)';

const courseRefSchema = z.strictObject({
  note: z
    .string({ error: NOTE_NUMBER })
    .regex(/^\d{3}$/, NOTE_NUMBER)
    .describe('the note file, by its number'),
  section: z.string().min(1).describe('the section heading of the note, as written there'),
});

export const courseSchema = z
  .union([courseRefSchema, z.array(courseRefSchema).min(1, 'list at least one note')])
  .describe('the note(s) and section(s) of the course this scenario reproduces; shown by --list');

export type CourseRef = z.output<typeof courseRefSchema>;

/** One list, whichever form the file used. */
export function courseRefs(course: z.output<typeof courseSchema> | undefined): CourseRef[] {
  if (course === undefined) return [];
  return Array.isArray(course) ? course : [course];
}

/** `note 001 "浅谈容器网络", note 003 "host & none 详解"`; empty for a scenario that is not from the notes. */
export function describeCourse(refs: readonly CourseRef[]): string {
  return refs.map((r) => `note ${r.note} "${r.section}"`).join(', ');
}

/** The course refs of a raw (unvalidated) document, for listings that must not fail on one bad file. */
export function courseRefsOf(raw: unknown): CourseRef[] {
  const parsed = courseSchema.safeParse(raw);
  return parsed.success ? courseRefs(parsed.data) : [];
}
