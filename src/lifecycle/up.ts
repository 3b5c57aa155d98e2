import type { ListrTask } from 'listr2';
import { FailureError, InputError } from '../errors.js';
import type { Lab } from '../lab/model.js';
import { autoDetect, type RegisteredProvider } from '../providers/index.js';
import { SshPool } from '../ssh/pool.js';
import { Vagrant } from '../vagrant/driver.js';
import { claimLab, releaseLab } from './record.js';
import { refreshTargets } from './targets.js';
import { runTasks, stopOn } from './tasks.js';

interface UpResult {
  /** Each node's hostname as it answered over ssh2. */
  hostnames: Record<string, string>;
}

/**
 * Brings the lab up: preflight, the provider's host preparation, `vagrant up`, then one ssh2 connection per
 * node that must answer with its hostname. A second `up` finds everything in place and only checks it.
 */
export async function up(lab: Lab, provider: RegisteredProvider, signal?: AbortSignal): Promise<UpResult> {
  const result: UpResult = { hostnames: {} };
  await runTasks(upTasks(lab, provider, result, signal), {});
  return result;
}

/**
 * After the provider's machines failed to start in a way no probe foresaw: the provider auto-detection would
 * take here instead, if any, and how to switch to it. The failed machines go with `down`, as always.
 */
async function otherWay(lab: Lab, failed: RegisteredProvider): Promise<string> {
  const { chosen } = await autoDetect(lab, failed.name);
  if (!chosen) return '';
  return `\n${chosen} can bring this lab up here: \`lab down --lab ${lab.file}\`, then \`lab up --provider ${chosen} --lab ${lab.file}\``;
}

/** The steps of `up`, for a listr2 list of its own or as subtasks (the matrix brings several labs up). */
export function upTasks(lab: Lab, provider: RegisteredProvider, result: UpResult, signal?: AbortSignal): ListrTask[] {
  const vagrant = new Vagrant(lab, provider.name);
  let claimed = false;
  return stopOn(signal, [
    {
      title: `preflight (${provider.name})`,
      task: async (_, task) => {
        const missing = (await provider.preflight(lab)).filter((f) => !f.ok);
        if (missing.length > 0) {
          throw new InputError(
            `missing prerequisites for ${provider.name}:\n${missing.map((f) => `  - ${f.what}${f.fix ? `\n      fix: ${f.fix}` : ''}`).join('\n')}`,
          );
        }
        // Last, as the only one that writes: the record that this folder owns the lab from now until `down`.
        claimed = await claimLab(lab, provider.name);
        task.title = `preflight (${provider.name}): ok`;
      },
    },
    {
      title: 'prepare the host',
      enabled: () => provider.beforeUp !== undefined,
      task: async (_, task) => {
        try {
          await provider.beforeUp!(lab, { log: (l) => (task.output = l), signal });
        } catch (err) {
          // A refusal (bad box, subnet in use) made nothing: the lab is not up, so this folder does not hold it.
          if (err instanceof InputError && claimed) await releaseLab(lab);
          throw err;
        }
      },
      rendererOptions: { persistentOutput: false },
    },
    {
      title: `vagrant up (${lab.nodes.map((n) => n.name).join(', ')})`,
      task: async (_, task) => {
        try {
          await vagrant.up({ parallel: provider.parallelUp, onLine: (l) => (task.output = l.trim()), signal });
        } catch (err) {
          throw err instanceof FailureError ? new FailureError(`${err.message}${await otherWay(lab, provider)}`, { cause: err }) : err;
        }
      },
    },
    {
      title: 'reach the nodes over ssh2',
      task: async (_, task) => {
        const targets = await refreshTargets(lab, vagrant);
        const pool = await SshPool.open(targets);
        try {
          await Promise.all(
            targets.map(async (t) => {
              const r = await pool.session(t.node).exec('hostname', { timeoutMs: 15_000, signal });
              result.hostnames[t.node] = r.stdout.trim();
            }),
          );
        } finally {
          await pool.close();
        }
        task.title = `reached ${targets.map((t) => `${t.node} (${t.host}) says ${result.hostnames[t.node]}`).join(', ')}`;
      },
    },
  ]);
}
