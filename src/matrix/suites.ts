import { InputError } from '../errors.js';
import { SUITES } from '../lab/schema.js';

export type Suite = (typeof SUITES)[number];

/**
 * What each Debian suite's own packages give: on the lxc provider, the suite *is* the Docker version. The
 * version in use is still read from the daemon at run time; this table only picks the box.
 */
export const SUITE_VERSIONS: Record<Suite, { docker: string; etcd: string }> = {
  bullseye: { docker: '20.10.5', etcd: '3.3.25' },
  bookworm: { docker: '20.10.24', etcd: '3.4.23' },
  trixie: { docker: '26.1.5', etcd: '3.5.16' },
  sid: { docker: '28.5.2', etcd: '3.5.30' },
};

/** `--docker 26.1.5`, `--docker 26.1` or `--docker trixie` all name the trixie lab. */
export function suiteFor(wanted: string): Suite {
  if ((SUITES as readonly string[]).includes(wanted)) return wanted as Suite;
  const match = (Object.entries(SUITE_VERSIONS) as [Suite, { docker: string }][]).filter(([, v]) => v.docker === wanted || v.docker.startsWith(`${wanted}.`));
  if (match.length === 1) return match[0]![0];
  const known = Object.entries(SUITE_VERSIONS)
    .map(([s, v]) => `${v.docker} (${s})`)
    .join(', ');
  throw new InputError(`--docker: no lab gives Docker '${wanted}'${match.length > 1 ? ' unambiguously' : ''}; known: ${known}`);
}
