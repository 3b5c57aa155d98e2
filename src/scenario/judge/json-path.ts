/**
 * The small JSON path subset scenarios need to look into `docker inspect`/`docker network ls` output:
 * `$`, `.key`, `['key']`, `["key"]`, `[0]` and `[-1]` (from the end). Pure functions.
 */

export type JsonPath = (string | number)[];

const SEGMENT = /\.([A-Za-z_$][\w$-]*)|\[(-?\d+)\]|\['([^']*)'\]|\["([^"]*)"\]/y;

export function parseJsonPath(text: string): JsonPath | null {
  if (!text.startsWith('$')) return null;
  const path: JsonPath = [];
  let index = 1;
  while (index < text.length) {
    SEGMENT.lastIndex = index;
    const m = SEGMENT.exec(text);
    if (!m) return null;
    path.push(m[2] !== undefined ? Number(m[2]) : (m[1] ?? m[3] ?? m[4])!);
    index = SEGMENT.lastIndex;
  }
  return path;
}

type JsonLookup = { found: true; value: unknown } | { found: false; at: string };

/** The value at `path`, or where the walk stopped (for a message such as "$[0] has no key Scope"). */
export function getJsonPath(root: unknown, path: JsonPath): JsonLookup {
  let here = root;
  let walked = '$';
  for (const seg of path) {
    if (typeof seg === 'number') {
      if (!Array.isArray(here)) return { found: false, at: walked };
      const i = seg < 0 ? here.length + seg : seg;
      if (i < 0 || i >= here.length) return { found: false, at: walked };
      here = here[i];
      walked += `[${seg}]`;
    } else {
      if (here === null || typeof here !== 'object' || Array.isArray(here) || !Object.hasOwn(here, seg)) return { found: false, at: walked };
      here = (here as Record<string, unknown>)[seg];
      walked += /^[A-Za-z_$][\w$]*$/.test(seg) ? `.${seg}` : `['${seg}']`;
    }
  }
  return { found: true, value: here };
}
