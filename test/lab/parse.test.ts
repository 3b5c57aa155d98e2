import { describe, expect, it } from 'vitest';
import { netmask, parseCidr, rangeOf, rangesOverlap } from '../../src/lab/ipv4.js';
import { hostOnlyAllowed, restrictsHostOnly } from '../../src/providers/virtualbox/networks-conf.js';
import { parseSshConfig, parseStatus } from '../../src/vagrant/parse.js';

describe('vagrant output', () => {
  it('parses machine-readable status, with escaped commas', () => {
    const out = [
      '1732412345,docker-node1,metadata,provider,lxc',
      '1732412345,docker-node1,provider-name,lxc',
      '1732412345,docker-node1,state,running',
      '1732412345,docker-node2,provider-name,lxc',
      '1732412345,docker-node2,state,not_created',
      '1732412345,,ui,info,Current machine states:%!(VAGRANT_COMMA) see above',
    ].join('\n');
    expect(parseStatus(out)).toEqual([
      { name: 'docker-node1', provider: 'lxc', state: 'running' },
      { name: 'docker-node2', provider: 'lxc', state: 'not_created' },
    ]);
  });

  it('parses ssh-config into one target per machine', () => {
    const out = `Host docker-node1
  HostName 192.168.205.10
  User vagrant
  Port 22
  IdentityFile /lab/.vagrant/machines/docker-node1/lxc/private_key
  IdentitiesOnly yes

Host docker-node2
  HostName 192.168.205.11
  User vagrant
  Port 2200
  IdentityFile "/a path/with spaces/private_key"
`;
    expect(parseSshConfig(out)).toEqual([
      { node: 'docker-node1', host: '192.168.205.10', port: 22, user: 'vagrant', identityFile: '/lab/.vagrant/machines/docker-node1/lxc/private_key' },
      { node: 'docker-node2', host: '192.168.205.11', port: 2200, user: 'vagrant', identityFile: '/a path/with spaces/private_key' },
    ]);
  });
});

describe('IPv4 helpers', () => {
  it('derives network, broadcast and the host address', () => {
    expect(parseCidr('192.168.205.0/24')).toEqual({ network: '192.168.205.0', prefix: 24, broadcast: '192.168.205.255', hostAddress: '192.168.205.1' });
    expect(parseCidr('192.168.205.7/24')).toBeNull();
    expect(parseCidr('10.0.0.0/31')).toBeNull();
    expect(parseCidr('10.0.0.0/30')).toEqual({ network: '10.0.0.0', prefix: 30, broadcast: '10.0.0.3', hostAddress: '10.0.0.1' });
    expect(parseCidr('192.168.256.0/24')).toBeNull();
    expect(parseCidr('lab-net/24')).toBeNull();
  });

  it('tells overlapping routes apart from neighbours', () => {
    const lab = rangeOf('192.168.205.0/24')!;
    expect(rangesOverlap(lab, rangeOf('192.168.0.0/16')!)).toBe(true);
    expect(rangesOverlap(lab, rangeOf('192.168.205.77')!)).toBe(true);
    expect(rangesOverlap(lab, rangeOf('192.168.206.0/24')!)).toBe(false);
    expect(rangeOf('default')).toBeNull();
    expect(netmask(24)).toBe('255.255.255.0');
    expect(netmask(20)).toBe('255.255.240.0');
  });
});

describe('VirtualBox host-only restriction', () => {
  it('knows which versions restrict host-only networks', () => {
    expect(restrictsHostOnly('6.1.26r145957')).toBe(false);
    expect(restrictsHostOnly('6.1.28r147628')).toBe(true);
    expect(restrictsHostOnly('7.0.12r159484')).toBe(true);
  });

  it('reads /etc/vbox/networks.conf', () => {
    expect(hostOnlyAllowed(null, '192.168.205.0/24')).toBe(false); // default 192.168.56.0/21 only
    expect(hostOnlyAllowed(null, '192.168.56.0/24')).toBe(true);
    expect(hostOnlyAllowed('* 10.0.0.0/8 192.168.0.0/16\n', '192.168.205.0/24')).toBe(true);
    expect(hostOnlyAllowed('* 192.168.205.0/25\n', '192.168.205.0/24')).toBe(false);
  });
});
