/**
 * Auto-detection's decision, apart from the probes that feed it: a provider is chosen only when this machine can
 * run it and its whole preflight passes, since a provider chosen on a guess fails later, mid-`up`, where the
 * user can do least about it. Pure, so each host condition is a test of its own.
 */
import type { Usability } from '../host/usability.js';
import type { Finding } from './provider.js';

/** What the probes said of one provider, in auto-detection order. */
export interface ProviderOutcome<N extends string = string> {
  name: N;
  usable: Usability;
  /** The preflight's findings; only asked of a usable provider (a missing hypervisor has nothing to check). */
  findings: readonly Finding[];
  /** What `--provider NAME` does on this machine when the provider is not usable (libvirt: emulation). */
  insist?: string;
}

interface Skip {
  name: string;
  /** One line for `up`: the reason and how to insist. */
  line: string;
}

export type Decision<N extends string = string> = { chosen: N; skipped: Skip[] } | { chosen: null; skipped: Skip[] };

/** Whether the outcome settles the choice: usable, and nothing missing. */
export function acceptable(outcome: ProviderOutcome): boolean {
  return outcome.usable.ok && outcome.findings.every((f) => f.ok);
}

function skipLine(outcome: ProviderOutcome): string {
  const insist = `--provider ${outcome.name}`;
  if (!outcome.usable.ok) return `${outcome.name} skipped: ${outcome.usable.why}; ${outcome.insist ?? `${insist} to use it anyway`}`;
  const missing = outcome.findings.filter((f) => !f.ok);
  const what = missing.map((f) => f.what).join('; ');
  const fixes = [...new Set(missing.map((f) => f.fix).filter(Boolean))].join(' and ');
  return `${outcome.name} skipped: ${what}${fixes ? `; fix: ${fixes}` : ''}`;
}

/** The first acceptable provider, and a line for each one passed over before it. */
export function decideProvider<N extends string>(outcomes: readonly ProviderOutcome<N>[]): Decision<N> {
  const skipped: Skip[] = [];
  for (const outcome of outcomes) {
    if (acceptable(outcome)) return { chosen: outcome.name, skipped };
    skipped.push({ name: outcome.name, line: skipLine(outcome) });
  }
  return { chosen: null, skipped };
}
