import { InputError } from '../errors.js';
import type { Lab } from '../lab/model.js';
import { libvirt } from './libvirt/index.js';
import { lxc } from './lxc/index.js';
import { PROVIDER_NAMES, type ProviderName } from './names.js';
import type { Provider } from './provider.js';
import { virtualbox } from './virtualbox/index.js';
import { vmwareDesktop } from './vmware_desktop/index.js';

export const PROVIDERS: Record<ProviderName, Provider> = { virtualbox, libvirt, vmware_desktop: vmwareDesktop, lxc };

/** Auto-detection order: the course's VirtualBox first, lxc last (it is the fallback without virtualization). */
const AUTO_ORDER: ProviderName[] = ['virtualbox', 'libvirt', 'vmware_desktop', 'lxc'];

/**
 * The provider for this run: `--provider`, else DOCKER_LAB_PROVIDER, else the first available one the lab has a
 * box for. Every choice names where it came from, so a wrong one is easy to trace.
 */
export async function chooseProvider(lab: Lab, flag?: string): Promise<Provider> {
  const explicit = flag ?? process.env.DOCKER_LAB_PROVIDER;
  if (explicit) {
    const source = flag ? '--provider' : 'DOCKER_LAB_PROVIDER';
    if (!(PROVIDER_NAMES as readonly string[]).includes(explicit)) {
      throw new InputError(`${source}: unknown provider '${explicit}' (one of ${PROVIDER_NAMES.join(', ')})`);
    }
    const name = explicit as ProviderName;
    if (!lab.boxes[name]) throw new InputError(`${lab.file}: boxes.${name}: the lab has no box for provider ${name} (chosen by ${source})`);
    return PROVIDERS[name];
  }
  for (const name of AUTO_ORDER) {
    if (lab.boxes[name] && (await PROVIDERS[name].available())) return PROVIDERS[name];
  }
  throw new InputError(
    `no provider found on this machine for lab '${lab.name}' (tried ${AUTO_ORDER.join(', ')}); run \`npm run doctor -- --provider lxc\` to see what is missing`,
  );
}
