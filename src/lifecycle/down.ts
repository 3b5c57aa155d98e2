import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ListrTask } from 'listr2';
import type { Lab } from '../lab/model.js';
import type { RegisteredProvider } from '../providers/index.js';
import type { Provider } from '../providers/provider.js';
import { Vagrant } from '../vagrant/driver.js';
import { releaseLab, vagrantMachinesProvider } from './record.js';
import { forgetTargets } from './targets.js';
import { runTasks } from './tasks.js';

/**
 * Removes every trace of the lab: the machines, then what the provider made on the host. Safe to repeat, and
 * complete after a fault: an LXC container that `vagrant destroy` lost track of is destroyed by name.
 * It takes no abort signal: `down` is itself the cleanup, and one cut short would leave the lab half there.
 */
export async function down(lab: Lab, provider: RegisteredProvider): Promise<void> {
  await runTasks(downTasks(lab, provider), {});
}

export function downTasks(lab: Lab, provider: RegisteredProvider): ListrTask[] {
  const vagrant = new Vagrant(lab, provider.name);
  const hook = (title: string, fn: Provider['afterDestroy']): ListrTask => ({
    title,
    enabled: () => fn !== undefined,
    task: async (_, task) => fn!.call(provider, lab, { log: (l) => (task.output = l) }),
  });
  return [
    hook('prepare the host', provider.beforeDown),
    {
      title: 'vagrant destroy',
      // Only a machine with an id exists for Vagrant (an interrupted `up` leaves folders without one), and
      // without any there may be no Vagrantfile to read either.
      skip: async () => ((await vagrantMachinesProvider(lab)) ? false : 'vagrant destroy: no machines'),
      task: async (_, task) => vagrant.destroy({ onLine: (l) => (task.output = l.trim()) }),
    },
    hook('remove what Vagrant lost track of', provider.afterDestroy),
    hook('clean the host', provider.afterDown),
    {
      title: "forget Vagrant's machines, the SSH addresses and the lab's record",
      task: async (_, task) => {
        const machines = await readdir(machinesDir(lab)).catch(() => [] as string[]);
        await rm(machinesDir(lab), { recursive: true, force: true });
        await forgetTargets(lab);
        await releaseLab(lab);
        if (machines.length) task.title = `forgot Vagrant's machines (${machines.join(', ')}), the SSH addresses and the lab's record`;
      },
    },
  ];
}

function machinesDir(lab: Lab): string {
  return join(lab.dir, '.vagrant', 'machines');
}
