/**
 * The provider registry: the one list of providers, in auto-detection order (the course's VirtualBox first, lxc
 * last: it is the fallback without virtualization). Adding a provider is a folder beside this file and a line here.
 */
import { InputError } from '../errors.js';
import { labFieldError, loadLab, type Lab } from '../lab/model.js';
import { libvirt } from './libvirt/index.js';
import { lxc } from './lxc/index.js';
import type { Provider } from './provider.js';
import { virtualbox } from './virtualbox/index.js';
import { vmwareDesktop } from './vmware_desktop/index.js';

export const PROVIDERS = [virtualbox, libvirt, vmwareDesktop, lxc] as const;
export type ProviderName = (typeof PROVIDERS)[number]['name'];
export const PROVIDER_NAMES: readonly ProviderName[] = PROVIDERS.map((p) => p.name);

export function isProviderName(name: string): name is ProviderName {
  return (PROVIDER_NAMES as readonly string[]).includes(name);
}

export type RegisteredProvider = Provider<ProviderName>;

export function providerNamed(name: ProviderName): RegisteredProvider {
  return PROVIDERS.find((p) => p.name === name)!;
}

/** The providers the lab names a box for, in registry order. */
export function labProviders(lab: Lab): RegisteredProvider[] {
  return PROVIDERS.filter((p) => lab.boxes[p.name] !== undefined);
}

/** lab.yaml may name boxes only for known providers: the lab schema leaves that to the registry. */
export function checkBoxes(lab: Lab): void {
  const unknown = Object.keys(lab.boxes).find((k) => !isProviderName(k));
  if (unknown) throw labFieldError(lab, ['boxes', unknown], `unknown provider '${unknown}' (one of ${PROVIDER_NAMES.join(', ')})`);
}

/**
 * The provider for this run: `--provider`, else DOCKER_LAB_PROVIDER, else the first the lab has a box for and
 * this machine can really run. Every choice names where it came from, so a wrong one is easy to trace.
 */
export async function chooseProvider(lab: Lab, flag?: string): Promise<RegisteredProvider> {
  const explicit = flag ?? process.env.DOCKER_LAB_PROVIDER;
  if (explicit) {
    const source = flag ? '--provider' : 'DOCKER_LAB_PROVIDER';
    if (!isProviderName(explicit)) throw new InputError(`${source}: unknown provider '${explicit}' (one of ${PROVIDER_NAMES.join(', ')})`);
    if (!lab.boxes[explicit]) throw new InputError(`${lab.file}: boxes.${explicit}: the lab has no box for provider ${explicit} (chosen by ${source})`);
    return providerNamed(explicit);
  }
  const refused: string[] = [];
  for (const provider of labProviders(lab)) {
    const verdict = await provider.usable();
    if (verdict.ok) return provider;
    refused.push(`${provider.name}: ${verdict.why}`);
  }
  throw new InputError(
    `no provider this machine can run for lab '${lab.name}':\n${refused.map((r) => `  - ${r}`).join('\n')}\nrun \`npm run doctor\` for the fixes`,
  );
}

/** A lab file read and checked as far as it can be without touching the host. Throws InputError (exit 2). */
export function openLab(file: string): Lab {
  const lab = loadLab(file);
  checkBoxes(lab);
  return lab;
}
