import { execa } from 'execa';
import { exists, hasCommand } from '../../host/probe.js';
import type { Provider } from '../provider.js';

export async function hasPlugin(name: string): Promise<boolean> {
  const r = await execa('vagrant', ['plugin', 'list'], { reject: false, env: { VAGRANT_CHECKPOINT_DISABLE: '1' } });
  return String(r.stdout).includes(name);
}

export const libvirt: Provider = {
  name: 'libvirt',
  parallelUp: true,
  async available() {
    return (await exists('/dev/kvm')) && (await hasCommand('virsh')) && (await hasPlugin('vagrant-libvirt'));
  },
  async preflight() {
    return [
      { ok: await exists('/dev/kvm'), what: 'hardware virtualization (/dev/kvm)', fix: 'enable VT-x/AMD-V, or use the lxc provider' },
      { ok: await hasCommand('virsh'), what: 'libvirt (virsh)', fix: 'sudo apt-get install --no-install-recommends libvirt-daemon-system' },
      { ok: await hasPlugin('vagrant-libvirt'), what: 'vagrant-libvirt', fix: 'sudo apt-get install --no-install-recommends vagrant-libvirt' },
    ];
  },
};

