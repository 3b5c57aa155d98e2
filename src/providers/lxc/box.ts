/** The lxc box: docker-lab's shared box recipe (../box.ts), packed for vagrant-lxc. */
import type { Lab } from '../../lab/model.js';
import { checkBox as checkManagedBox, ensureBox as ensureManagedBox } from '../box.js';

export const checkBox = (lab: Lab): Promise<void> => checkManagedBox(lab, 'lxc');

export const ensureBox = (lab: Lab, log: (l: string) => void, signal?: AbortSignal): Promise<void> => ensureManagedBox(lab, 'lxc', log, signal);
