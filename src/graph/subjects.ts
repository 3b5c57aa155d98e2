/**
 * What a drawing is about, named the way a step's commands name it: each namespace and interface of the picture
 * carries a class per name it answers to (`subject-test1` for `netns test1`, `subject-br0`), and a text's
 * words become the same classes, so a page can mark in the picture what the step in hand speaks of. Pure.
 */

/** The class a name gives in the picture: CSS-safe, so a page can select it as it is. */
export function subjectClass(name: string): string {
  return `subject-${name.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

/** The classes of every word of `text` that could name something drawn (a namespace, a container, a device). */
export function subjectsOf(text: string): string[] {
  return [...new Set(text.match(/[A-Za-z][\w.-]*\w/g) ?? [])].map(subjectClass);
}
