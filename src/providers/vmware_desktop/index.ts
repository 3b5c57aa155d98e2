import { hasCommand } from '../../host/probe.js';
import { vagrantPlugins } from '../../vagrant/driver.js';
import type { Provider } from '../provider.js';
import { vmwareFragment } from './vagrantfile.js';

export const vmwareDesktop: Provider<'vmware_desktop'> = {
  name: 'vmware_desktop',
  parallelUp: true,
  vagrantfile: vmwareFragment,
  async usable() {
    if (!(await hasCommand('vmrun'))) return { ok: false, why: 'VMware Workstation/Fusion is not installed (no vmrun)' };
    if (!(await vagrantPlugins()).includes('vagrant-vmware-desktop')) return { ok: false, why: 'the vagrant-vmware-desktop plugin is not installed' };
    return { ok: true };
  },
  async preflight() {
    const plugins = await vagrantPlugins();
    return [
      { ok: await hasCommand('vmrun'), what: 'VMware Workstation/Fusion (vmrun)', fix: 'install VMware Workstation or Fusion' },
      { ok: plugins.includes('vagrant-vmware-desktop'), what: 'vagrant-vmware-desktop', fix: 'vagrant plugin install vagrant-vmware-desktop' },
    ];
  },
  hostExposure: 'nodes are VMware VMs: root in a node is not root on the host.',
};
