/**
 * The provider registry: the one list of providers, in auto-detection order (the course's VirtualBox first, lxc
 * last: it is the fallback without virtualization). Adding a provider is a folder beside this file and a line here.
 */
import { InputError } from '../errors.js';
import { type Lab, labFieldError, loadLab } from '../lab/model.js';
import { acceptable, type Decision, decideProvider, type ProviderOutcome } from './choice.js';
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

/** The provider `lab matrix` brings its labs up with. */
export function matrixProvider(): RegisteredProvider {
  const provider = PROVIDERS.find((p) => p.runsMatrix);
  if (!provider) throw new Error('no provider in the registry runs the matrix');
  return provider;
}

/** The providers the lab names a box for, in registry order. */
export function labProviders(lab: Lab): RegisteredProvider[] {
  return PROVIDERS.filter((p) => lab.boxes[p.name] !== undefined);
}

/** lab.yaml may name boxes only for known providers: the lab schema leaves that to the registry. */
function checkBoxes(lab: Lab): void {
  const unknown = Object.keys(lab.boxes).find((k) => !isProviderName(k));
  if (unknown) throw labFieldError(lab, ['boxes', unknown], `unknown provider '${unknown}' (one of ${PROVIDER_NAMES.join(', ')})`);
}

/**
 * The provider for this run: `--provider`, else DOCKER_LAB_PROVIDER, else the first the lab has a box for that
 * this machine can really run and whose preflight passes. Each provider passed over is said in one line, with why
 * and how to insist, so a surprising choice is easy to trace.
 */
export async function chooseProvider(lab: Lab, flag?: string, say: (line: string) => void = () => {}): Promise<RegisteredProvider> {
  const explicit = flag ?? process.env.DOCKER_LAB_PROVIDER;
  if (explicit) {
    const source = flag ? '--provider' : 'DOCKER_LAB_PROVIDER';
    if (!isProviderName(explicit)) throw new InputError(`${source}: unknown provider '${explicit}' (one of ${PROVIDER_NAMES.join(', ')})`);
    if (!lab.boxes[explicit]) throw new InputError(`${lab.file}: boxes.${explicit}: the lab has no box for provider ${explicit} (chosen by ${source})`);
    return providerNamed(explicit);
  }
  const decision = await autoDetect(lab);
  for (const skip of decision.skipped) say(`provider ${skip.line}`);
  if (decision.chosen === null) {
    throw new InputError(`no provider this machine can run for lab '${lab.name}' (see above); run \`npm run doctor\` for the fixes`);
  }
  say(`provider ${decision.chosen} (auto-detected; --provider or DOCKER_LAB_PROVIDER chooses another)`);
  return providerNamed(decision.chosen);
}

/** The providers' outcomes in registry order, asked one at a time: the first acceptable one ends the search. */
export async function autoDetect(lab: Lab, except?: ProviderName): Promise<Decision<ProviderName>> {
  const outcomes: ProviderOutcome<ProviderName>[] = [];
  for (const provider of labProviders(lab).filter((p) => p.name !== except)) {
    const outcome = await assess(provider, lab);
    outcomes.push(outcome);
    if (acceptable(outcome)) break;
  }
  return decideProvider(outcomes);
}

/** What the probes say of one provider on this machine. */
async function assess(provider: RegisteredProvider, lab: Lab): Promise<ProviderOutcome<ProviderName>> {
  const usable = await provider.usable();
  const findings = usable.ok ? await provider.preflight(lab) : [];
  return { name: provider.name, usable, findings, ...(provider.insist ? { insist: provider.insist } : {}) };
}

/** A lab file read and checked as far as it can be without touching the host. Throws InputError (exit 2). */
export function openLab(file: string): Lab {
  const lab = loadLab(file);
  checkBoxes(lab);
  return lab;
}
