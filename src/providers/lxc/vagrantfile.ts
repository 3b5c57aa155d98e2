import { boxLine, rb } from '../fragment.js';
import type { VagrantfileFragment } from '../provider.js';
import { bridgeName, containerName } from './naming.js';

/**
 * vagrant-lxc 1.4.3's private_network is broken on LXC >= 4 (its pipework looks for old cgroup names), so the
 * lab NIC is plain LXC config on the project's host bridge. It takes net.0, replacing the lxcbr0 NIC of LXC's
 * default config (no lxc-net runs here): a node has eth1 on the lab network and no route anywhere else.
 */
export const lxcFragment: VagrantfileFragment = (lab, node) => {
  const customize = (key: string, value: string) => `p.customize ${rb(key)}, ${rb(value)}`;
  return [
    boxLine(lab, 'lxc'),
    `p.container_name = ${rb(containerName(lab, node))}`,
    `p.ssh_ip_addr = ${rb(node.ip)}`,
    // Vagrant's default ssh port forward means nothing to LXC (ssh goes to the node's address), but it takes a
    // lease file in VAGRANT_HOME that concurrent `vagrant up`s of other labs delete under each other (ENOENT).
    'override.vm.network "forwarded_port", id: "ssh", guest: 22, host: 2222, disabled: true',
    customize('apparmor.profile', 'unconfined'),
    customize('net.0.type', 'veth'),
    customize('net.0.link', bridgeName(lab)),
    customize('net.0.name', 'eth1'),
    customize('net.0.flags', 'up'),
    customize('net.0.ipv4.address', `${node.ip}/${lab.network.prefix}`),
  ];
};
