import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { vagrantFailure } from '../../src/vagrant/parse.js';

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
    const out = ['==> docker-node1: Starting container...', 'There was an error executing lxc-start', '/usr/lib/ruby/3.1.0/timeout.rb:36:in `catch`'].join('\n');
    expect(vagrantFailure(out, 1)).toBe('There was an error executing lxc-start');
  });
});
