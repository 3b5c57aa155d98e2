/**
 * A course command as a node runs it. Below every room that sends commands (scenario steps, `lab graph`,
 * `lab capture`), so that none of them reaches into another for it.
 */
import { shellQuote } from './quote.js';
import { stopAtFirstFailure } from './stop-at-first-failure.js';

/**
 * The PATH every command sees: a login shell's plus the sbin folders, so `brctl show` and `ip` work for the
 * plain user as on the course's CentOS VMs. Given to the runner rather than made by a login shell, whose
 * profile scripts would cost about 20 ms on every command.
 */
export const NODE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * A course command as the node user would type it: the runner runs it with bash and NODE_PATH as it is, a
 * block of several lines stopping at its first failing command.
 * `sudo: true` makes the whole of it root's; sudo resets PATH, so it is given again.
 */
export function commandLine(command: string, sudo: boolean): string {
  const script = stopAtFirstFailure(command);
  return sudo ? `sudo -n env PATH=${NODE_PATH} bash -c ${shellQuote(script)}` : script;
}
