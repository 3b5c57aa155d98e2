import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLab } from '../../src/lab/model.js';
import { labInterfaceName } from '../../src/providers/ifname.js';
import { GUEST_CPU } from '../../src/providers/libvirt/driver-choice.js';
import { kvmDeviceFinding } from '../../src/providers/libvirt/kvm-device.js';
import { domainName, labBridge, libvirtName, managementBridge, managementNetworkName, managementSubnet } from '../../src/providers/libvirt/naming.js';
import { labNetworkXml, managementNetworkXml, poolXml } from '../../src/providers/libvirt/network-xml.js';
import { libvirtFragment } from '../../src/providers/libvirt/vagrantfile.js';
import { bridgeName } from '../../src/providers/lxc/naming.js';

const lab = loadLab(join(import.meta.dirname, '../../lab.yaml'));
const long = { name: 'a-very-long-lab-name-for-tests' };

describe('libvirt naming', () => {
  it("names every object after the lab, never libvirt's own default", () => {
    expect(libvirtName(lab)).toBe('dl-docker-lab');
    expect(managementNetworkName(lab)).toBe('dl-docker-lab-mgmt');
    expect(domainName(lab, lab.nodes[0]!)).toBe('dl-docker-lab-docker-node1');
    for (const name of [libvirtName(lab), managementNetworkName(lab), labBridge(lab), managementBridge(lab)]) expect(name).toContain('docker-lab');
  });

  it('keeps bridge names within 15 characters and apart for long lab names', () => {
    for (const name of [labBridge(long), managementBridge(long), bridgeName(long)]) expect(name.length).toBeLessThanOrEqual(15);
    expect(labBridge(long)).not.toBe(labBridge({ name: 'a-very-long-lab-name-for-other' }));
    expect(labBridge(long)).not.toBe(managementBridge(long));
  });

  it('gives the lxc bridge the name it always had', () => {
    expect(bridgeName(lab)).toBe('dl-docker-lab');
    expect(labInterfaceName('dl', 'a-very-long-lab-name-for-tests')).toMatch(/^dl-a-very-[0-9a-f]{4}$/);
  });

  it('puts the management network on a /24 of its own per lab /24', () => {
    expect(managementSubnet(lab)).toEqual({ network: '10.254.205.0/24', host: '10.254.205.1', first: '10.254.205.10', last: '10.254.205.254' });
  });
});

describe('libvirt definitions', () => {
  it('makes both networks isolated: no forward, no DNS; DHCP only on the management network', () => {
    for (const xml of [labNetworkXml(lab), managementNetworkXml(lab)]) {
      expect(xml).not.toContain('<forward');
      expect(xml).toContain("<dns enable='no'/>");
    }
    expect(labNetworkXml(lab)).toContain("<ip address='192.168.205.1' netmask='255.255.255.0'/>");
    expect(labNetworkXml(lab)).not.toContain('<dhcp>');
    expect(managementNetworkXml(lab)).toContain("<range start='10.254.205.10' end='10.254.205.254'/>");
    // Nodes of one box share a machine-id, hence a DHCP client id: leases must go by MAC.
    expect(managementNetworkXml(lab)).toContain("<dnsmasq:option value='dhcp-ignore-clid'/>");
    expect(poolXml(lab)).toContain('<path>/var/lib/libvirt/images/dl-docker-lab</path>');
  });

  it("tells Vagrant to use the lab's objects and keep them, the driver read at run time", () => {
    const lines = libvirtFragment(lab, lab.nodes[1]!);
    expect(lines).toContain('p.driver = { "kvm" => "kvm", "qemu" => "qemu" }.fetch(ENV.fetch("DOCKER_LAB_LIBVIRT_DRIVER", "kvm"))');
    expect(lines).toContain('p.management_network_mode = "none"');
    expect(lines).toContain('override.vm.boot_timeout = { "kvm" => 300, "qemu" => 1800 }.fetch(ENV.fetch("DOCKER_LAB_LIBVIRT_DRIVER", "kvm"))');
    expect(lines).toContain('p.management_network_keep = true');
    expect(lines).toContain('p.storage_pool_name = "dl-docker-lab"');
    // QEMU runs as libvirt-qemu: the kernel comes from libvirt's folder, never from the box under a home folder.
    expect(lines).toContain('p.kernel = "/var/lib/libvirt/boot/dl-docker-lab/vmlinuz"');
    expect(lines).toContain('p.initrd = "/var/lib/libvirt/boot/dl-docker-lab/initrd.img"');
    expect(lines.join('\n')).toMatch(
      /ip: "192\.168\.205\.11".*libvirt__network_name: "dl-docker-lab", libvirt__forward_mode: "none", libvirt__dhcp_enabled: false, libvirt__always_destroy: false/,
    );
  });

  it("leaves booting to a box of the user's own", () => {
    const own = { ...lab, boxes: { ...lab.boxes, libvirt: 'generic/debian12' } };
    expect(libvirtFragment(own, own.nodes[0]!).join('\n')).not.toMatch(/p\.kernel|p\.initrd/);
  });
});

describe('/dev/kvm for libvirt', () => {
  it('asks for group kvm and mode 0660, as udev leaves it, and says nothing without the device', () => {
    expect(kvmDeviceFinding({ gid: 108, mode: 0o20660 }, 108)?.ok).toBe(true);
    const rootOnly = kvmDeviceFinding({ gid: 0, mode: 0o20600 }, 108)!;
    expect(rootOnly.ok).toBe(false);
    expect(rootOnly.what).toContain('mode 600');
    expect(rootOnly.fix).toBe('chgrp kvm /dev/kvm && chmod 0660 /dev/kvm (what udev does at boot)');
    expect(kvmDeviceFinding(null, 108)).toBeNull();
  });
});

describe("the libvirt domains' CPU", () => {
  /** The Ruby hash a Vagrantfile line picks from by driver: `{ "kvm" => "a", "qemu" => "b" }.fetch(...)`. */
  function byDriver(fragment: string[], key: string): Record<string, string> {
    const line = fragment.find((l) => l.startsWith(`p.${key} = `))!;
    return Object.fromEntries([...line.matchAll(/"(\w+)" => "([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
  }

  it("is, per driver, the CPU the KVM probe boots: host-passthrough is QEMU's host, a custom model its own name", () => {
    const fragment = libvirtFragment(lab, lab.nodes[0]!);
    const modes = byDriver(fragment, 'cpu_mode');
    const models = byDriver(fragment, 'cpu_model');
    expect(Object.keys(modes).sort()).toEqual(['kvm', 'qemu']);
    for (const driver of ['kvm', 'qemu'] as const) {
      const asQemu = modes[driver] === 'host-passthrough' ? 'host' : models[driver];
      expect(asQemu, driver).toBe(GUEST_CPU[driver].qemu);
    }
    expect(byDriver(fragment, 'driver')).toEqual({ kvm: 'kvm', qemu: 'qemu' });
  });
});
