import { hasCommand } from '../../host/probe.js';
import { kvmUsable } from '../../host/kvm.js';
import { vagrantPlugins } from '../../vagrant/driver.js';
import type { Provider, Usability } from '../provider.js';
import { libvirtFragment } from './vagrantfile.js';

/** Tools first (cheap), then KVM itself: the probe boots a guest. */
async function usable(): Promise<Usability> {
  if (!(await hasCommand('virsh'))) return { ok: false, why: 'libvirt is not installed (no virsh)' };
  if (!(await vagrantPlugins()).includes('vagrant-libvirt')) return { ok: false, why: 'the vagrant-libvirt plugin is not installed' };
  return kvmUsable();
}

export const libvirt: Provider<'libvirt'> = {
  name: 'libvirt',
  parallelUp: true,
  vagrantfile: libvirtFragment,
  usable,
  async preflight() {
    const plugins = await vagrantPlugins();
    const kvm = await kvmUsable();
    return [
      { ok: await hasCommand('virsh'), what: 'libvirt (virsh)', fix: 'sudo apt-get install --no-install-recommends libvirt-daemon-system' },
      { ok: plugins.includes('vagrant-libvirt'), what: 'vagrant-libvirt', fix: 'sudo apt-get install --no-install-recommends vagrant-libvirt' },
      kvm.ok
        ? { ok: true, what: 'KVM runs a guest' }
        : { ok: false, what: `KVM runs a guest: ${kvm.why}`, fix: 'enable VT-x/AMD-V (and nested virtualization in a VM), or use the lxc provider' },
    ];
  },
  hostExposure: 'nodes are KVM guests: root in a node is not root on the host.',
};
