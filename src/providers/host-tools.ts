import type { Finding } from './provider.js';

/** A host tool a provider needs: what the user is told, and how its presence is checked. */
export type HostTool = readonly [what: string, present: () => Promise<boolean>];

/** `npm run setup` installs every host tool the local providers need. */
const INSTALL_PREREQUISITES = 'sudo bash provision/host/install-prerequisites.sh';

/** One finding per tool, all checked at once, each fixed by `npm run setup`'s script. */
export function toolFindings(tools: readonly HostTool[]): Promise<Finding[]> {
  return Promise.all(tools.map(async ([what, present]) => ({ ok: await present(), what, fix: INSTALL_PREREQUISITES })));
}
