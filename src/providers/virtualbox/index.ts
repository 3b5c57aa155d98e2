import { readFile } from 'node:fs/promises';
import { execa } from 'execa';
import { hasCommand } from '../../host/probe.js';
import type { Finding, Provider } from '../provider.js';
import { hostOnlyAllowed, restrictsHostOnly } from './networks-conf.js';
import { virtualboxFragment } from './vagrantfile.js';

export const virtualbox: Provider<'virtualbox'> = {
  name: 'virtualbox',
  parallelUp: false, // VirtualBox refuses parallel `vagrant up`
  vagrantfile: virtualboxFragment,
  async usable() {
    return (await hasCommand('VBoxManage')) ? { ok: true } : { ok: false, why: 'VirtualBox is not installed (no VBoxManage)' };
  },
  async preflight(lab) {
    const findings: Finding[] = [
      { ok: await hasCommand('vagrant'), what: 'vagrant', fix: 'install Vagrant (https://developer.hashicorp.com/vagrant/install)' },
      { ok: await hasCommand('VBoxManage'), what: 'VirtualBox (VBoxManage)', fix: 'install VirtualBox 6.1 or 7.x' },
    ];
    if (findings[1]!.ok) {
      const version = String((await execa('VBoxManage', ['--version'], { reject: false })).stdout).trim();
      if (restrictsHostOnly(version)) {
        const conf = await readFile('/etc/vbox/networks.conf', 'utf8').catch(() => null);
        findings.push({
          ok: hostOnlyAllowed(conf, lab.network.cidr),
          what: `VirtualBox ${version} allows the host-only network ${lab.network.cidr} (/etc/vbox/networks.conf)`,
          fix: `sudo mkdir -p /etc/vbox && echo '* ${lab.network.cidr}' | sudo tee -a /etc/vbox/networks.conf`,
        });
      }
    }
    return findings;
  },
  hostExposure: 'nodes are VirtualBox VMs: root in a node is not root on the host.',
};
