import { hasCommand } from '../../host/probe.js';
import type { Provider } from '../provider.js';
import { hasPlugin } from '../libvirt/index.js';

export const vmwareDesktop: Provider = {
  name: 'vmware_desktop',
  parallelUp: true,
  async available() {
    return (await hasCommand('vmrun')) && (await hasPlugin('vagrant-vmware-desktop'));
  },
  async preflight() {
    return [
      { ok: await hasCommand('vmrun'), what: 'VMware Workstation/Fusion (vmrun)', fix: 'install VMware Workstation or Fusion' },
      { ok: await hasPlugin('vagrant-vmware-desktop'), what: 'vagrant-vmware-desktop', fix: 'vagrant plugin install vagrant-vmware-desktop' },
    ];
  },
};
