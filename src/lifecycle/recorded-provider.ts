import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Lab } from '../lab/model.js';
import { PROVIDER_NAMES, type ProviderName } from '../providers/names.js';

/** The provider Vagrant created the lab's machines with, from its own state folder; null if none exist. */
export async function recordedProvider(lab: Lab): Promise<ProviderName | null> {
  for (const node of lab.nodes) {
    const dirs = await readdir(join(lab.dir, '.vagrant', 'machines', node.name)).catch(() => [] as string[]);
    for (const dir of dirs) {
      if (!(PROVIDER_NAMES as readonly string[]).includes(dir)) continue;
      const files = await readdir(join(lab.dir, '.vagrant', 'machines', node.name, dir)).catch(() => [] as string[]);
      if (files.includes('id')) return dir as ProviderName;
    }
  }
  return null;
}
