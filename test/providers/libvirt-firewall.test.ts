import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chainRemoval, libvirtChains } from '../../src/providers/libvirt/firewall.js';

// `iptables -S` per table on this host while lab dlab-lv's two networks were up (libvirt 9.0, iptables backend).
const fixture = (table: string) => readFileSync(join(import.meta.dirname, `../fixtures/libvirt/iptables-${table}-lab-up.txt`), 'utf8');
/** The same table once libvirt has taken the lab's networks down: their rules go, its chains and jumps stay. */
const afterNetworks = (table: string) =>
  fixture(table)
    .split('\n')
    .filter((l) => !/-[io] lvm?-dlab-lv /.test(l))
    .join('\n');

describe("libvirt's iptables chains", () => {
  it('finds the chains libvirt made, in every table', () => {
    expect(libvirtChains(fixture('filter')).sort()).toEqual(['LIBVIRT_FWI', 'LIBVIRT_FWO', 'LIBVIRT_FWX', 'LIBVIRT_INP', 'LIBVIRT_OUT']);
    expect(libvirtChains(fixture('nat'))).toEqual(['LIBVIRT_PRT']);
    expect(libvirtChains(fixture('mangle'))).toEqual(['LIBVIRT_PRT']);
  });

  it('removes nothing while a network still has rules in them', () => {
    expect(chainRemoval(fixture('filter'))).toEqual([]);
    expect(chainRemoval(fixture('mangle'))).toEqual([]);
  });

  it('once the networks are gone, removes the jumps first, then the chains', () => {
    expect(chainRemoval(afterNetworks('filter'))).toEqual([
      ['-D', 'INPUT', '-j', 'LIBVIRT_INP'],
      ['-D', 'FORWARD', '-j', 'LIBVIRT_FWX'],
      ['-D', 'FORWARD', '-j', 'LIBVIRT_FWI'],
      ['-D', 'FORWARD', '-j', 'LIBVIRT_FWO'],
      ['-D', 'OUTPUT', '-j', 'LIBVIRT_OUT'],
      ['-X', 'LIBVIRT_FWI'],
      ['-X', 'LIBVIRT_FWO'],
      ['-X', 'LIBVIRT_FWX'],
      ['-X', 'LIBVIRT_INP'],
      ['-X', 'LIBVIRT_OUT'],
    ]);
    expect(chainRemoval(afterNetworks('nat'))).toEqual([
      ['-D', 'POSTROUTING', '-j', 'LIBVIRT_PRT'],
      ['-X', 'LIBVIRT_PRT'],
    ]);
  });
});
