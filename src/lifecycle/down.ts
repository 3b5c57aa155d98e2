import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import type { ListrTask } from 'listr2';
import type { Lab } from '../lab/model.js';
import type { Provider } from '../providers/provider.js';
import { containerName } from '../providers/lxc/naming.js';
import { Vagrant } from '../vagrant/driver.js';
import { recordedProvider } from './recorded-provider.js';
import { runTasks } from './tasks.js';
import { forgetTargets } from './targets.js';

/**
 * Removes every trace of the lab: the machines, then what the provider made on the host. Safe to repeat, and
 * complete after a fault: an LXC container that `vagrant destroy` lost track of is destroyed by name.
 * It takes no abort signal: `down` is itself the cleanup, and one cut short would leave the lab half there.
 */
export async function down(lab: Lab, provider: Provider): Promise<void> {
  await runTasks(downTasks(lab, provider), {});
}

export function downTasks(lab: Lab, provider: Provider): ListrTask[] {
  const vagrant = new Vagrant(lab, provider.name);
  return [
    {
      title: 'vagrant destroy',
      // Only a machine with an id exists for Vagrant (an interrupted `up` leaves folders without one), and
      // without any there may be no Vagrantfile to read either.
      skip: async () => ((await recordedProvider(lab)) ? false : 'vagrant destroy: no machines'),
      task: async (_, task) => vagrant.destroy({ onLine: (l) => (task.output = l.trim()) }),
    },
    {
      title: 'remove leftover LXC containers',
      enabled: () => provider.name === 'lxc',
      task: async (_, task) => {
        const left = await leftoverContainers(lab);
        for (const name of left) {
          task.output = `destroying ${name}`;
          // A group of its own, like Vagrant's: a Ctrl-C in the terminal must not cut the cleanup short.
          await execa('lxc-destroy', ['--force', '--name', name], { reject: false, detached: true });
        }
        task.title = left.length ? `removed leftover LXC containers: ${left.join(', ')}` : 'no leftover LXC containers';
      },
    },
    {
      title: 'clean the host',
      enabled: () => provider.afterDown !== undefined,
      task: async (_, task) => provider.afterDown!(lab, { log: (l) => (task.output = l) }),
    },
    {
      title: "forget Vagrant's machines and the SSH addresses",
      task: async (_, task) => {
        const machines = await readdir(machinesDir(lab)).catch(() => [] as string[]);
        await rm(machinesDir(lab), { recursive: true, force: true });
        await forgetTargets(lab);
        if (machines.length) task.title = `forgot Vagrant's machines (${machines.join(', ')}) and the SSH addresses`;
      },
    },
  ];
}

async function leftoverContainers(lab: Lab): Promise<string[]> {
  const r = await execa('lxc-ls', ['-1'], { reject: false });
  const existing = new Set(String(r.stdout).split('\n').map((s) => s.trim()).filter(Boolean));
  return lab.nodes.map((n) => containerName(lab, n)).filter((name) => existing.has(name));
}

function machinesDir(lab: Lab): string {
  return join(lab.dir, '.vagrant', 'machines');
}
