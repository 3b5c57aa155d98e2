import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { qemuComplaints, terminalLines, vagrantFailure } from '../../src/vagrant/parse.js';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../fixtures/vagrant', name), 'utf8');

describe("Vagrant's failure, as a person reads it", () => {
  it("names the machine and its error, without Ruby's backtrace (a parallel up on sid, recorded)", () => {
    expect(vagrantFailure(fixture('up-parallel-sid-reset.txt'))).toBe('docker-node2: Connection reset by peer - recvfrom(2)');
  });

  it('keeps the paragraph of an ordinary error, when the machine name ends a line', () => {
    const out = [
      'An error occurred while executing multiple actions in parallel.',
      'Any errors that occurred are shown below.',
      '',
      "An error occurred while executing the action on the 'docker-node1'",
      'machine. Please see the error messages below.',
      '',
      'Timed out while waiting for the machine to boot. This means that',
      'Vagrant was unable to communicate with the guest machine within',
      'the configured ("config.vm.boot_timeout" value) time period.',
      '',
      "An error occurred while executing the action on the 'docker-node2'",
      'machine. Please see the error messages below.',
      '',
      'The container failed to start.',
    ].join('\n');
    expect(vagrantFailure(out).split('\n')).toEqual([
      'docker-node1: Timed out while waiting for the machine to boot. This means that Vagrant was unable to communicate with the guest machine within the configured ("config.vm.boot_timeout" value) time period.',
      'docker-node2: The container failed to start.',
    ]);
  });

  it('otherwise gives the end of the output, backtrace removed', () => {
    const out = ['==> docker-node1: Starting container...', 'There was an error executing lxc-start', '/usr/lib/ruby/3.1.0/timeout.rb:36:in `catch`'].join(
      '\n',
    );
    expect(vagrantFailure(out, 1)).toBe('There was an error executing lxc-start');
  });
});

describe('a VM that QEMU would not start', () => {
  it("is QEMU's own words per machine, not libvirt's wrapping nor Ruby's backtrace", () => {
    const said = vagrantFailure(fixture('up-parallel-libvirt-msr.txt')).split('\n');
    const qemu =
      "QEMU could not start the domain: failed to set MSR 0x10a to 0x69; ../../target/i386/kvm/kvm.c:2980: kvm_buf_set_msrs: Assertion `ret == cpu->kvm_msr_buf->nmsrs' failed.";
    expect(said).toEqual([`docker-node1: ${qemu}`, `docker-node2: ${qemu}`]);
  });

  it('finds each complaint once, even when libvirt puts two on one line', () => {
    expect(qemuComplaints('monitor: T qemu-system-x86_64: error: a b qemu-system-x86_64: c\nqemu-system-x86_64: error: a b')).toEqual(['a b', 'c']);
    expect(qemuComplaints('Timed out while waiting for the machine to boot.')).toEqual([]);
  });
});

describe("Vagrant's output as a log reads it", () => {
  it('keeps the last of a run of progress rewrites, one line per upload, and what follows it', () => {
    const upload = Array.from({ length: 1000 }, (_, i) => `    docker-node1: Progress: ${Math.floor(i / 10)}% (${i} / 1000)`).join('\r\x1b[K');
    expect(terminalLines(`${upload}\r\x1b[K==> docker-node1: Creating image (snapshot of base box volume).`)).toEqual([
      '    docker-node1: Progress: 99% (999 / 1000)',
      '==> docker-node1: Creating image (snapshot of base box volume).',
    ]);
  });

  it('leaves ordinary lines alone, numbers and all', () => {
    expect(terminalLines('==> docker-node1: Waiting for domain to get an IP address... 3')).toEqual([
      '==> docker-node1: Waiting for domain to get an IP address... 3',
    ]);
    expect(terminalLines('')).toEqual([]);
  });
});
