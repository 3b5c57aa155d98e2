import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import type { ListrTask } from 'listr2';
import type { Lab } from '../lab/model.js';
import type { Provider } from '../providers/provider.js';
import { containerName } from '../providers/lxc/naming.js';
import { Vagrant } from '../vagrant/driver.js';
import { runTasks } from './tasks.js';
import { forgetTargets } from './targets.js';

/**
 * Removes every trace of the lab: the machines, then what the provider made on the host. Safe to repeat, and
 * complete after a fault: an LXC container that `vagrant destroy` lost track of is destroyed by name.
 */
export async function down(lab: Lab, provider: Provider, signal?: AbortSignal): Promise<void> {
  await runTasks(downTasks(lab, provider, signal), {});
}

export function downTasks(lab: Lab, provider: Provider, signal?: AbortSignal): ListrTask[] {
  const vagrant = new Vagrant(lab, provider.name);
  return [
    {
      title: 'vagrant destroy',
      // Without machine state there is nothing for Vagrant to destroy (and maybe no Vagrantfile to read).
      skip: async () => ((await hasMachines(lab)) ? false : 'vagrant destroy: no machines'),
      task: async (_, task) => vagrant.destroy({ onLine: (l) => (task.output = l.trim()), signal }),
    },
    {
      title: 'remove leftover LXC containers',
      enabled: () => provider.name === 'lxc',
      task: async (_, task) => {
        const left = await leftoverContainers(lab);
        for (const name of left) {
          task.output = `destroying ${name}`;
          await execa('lxc-destroy', ['--force', '--name', name], { reject: false });
        }
        task.title = left.length ? `removed leftover LXC containers: ${left.join(', ')}` : 'no leftover LXC containers';
      },
    },
    {
      title: 'clean the host',
      enabled: () => provider.afterDown !== undefined,
      task: async (_, task) => provider.afterDown!(lab, { log: (l) => (task.output = l), signal }),
    },
    { title: 'forget SSH addresses', task: () => forgetTargets(lab) },
  ];
}

export async function leftoverContainers(lab: Lab): Promise<string[]> {
  const r = await execa('lxc-ls', ['-1'], { reject: false });
  const existing = new Set(String(r.stdout).split('\n').map((s) => s.trim()).filter(Boolean));
  return lab.nodes.map((n) => containerName(lab, n)).filter((name) => existing.has(name));
}

async function hasMachines(lab: Lab): Promise<boolean> {
  const dirs = await readdir(join(lab.dir, '.vagrant', 'machines')).catch(() => [] as string[]);
  return dirs.length > 0;
}
