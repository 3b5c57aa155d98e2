import { createHash } from 'node:crypto';

/**
 * A host interface name for a lab: `<prefix>-<lab>`. Interface names stop at 15 characters, so a long lab name
 * is cut and a short hash of it added, which keeps two long names that share a start apart.
 */
export function labInterfaceName(prefix: string, labName: string): string {
  const plain = `${prefix}-${labName}`;
  if (plain.length <= 15) return plain;
  const hash = createHash('sha256').update(labName).digest('hex').slice(0, 4);
  const keep = 15 - prefix.length - 1 - hash.length - 1;
  return `${prefix}-${labName.slice(0, keep).replace(/-+$/, '')}-${hash}`;
}
