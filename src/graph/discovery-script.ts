/**
 * The command that discovers a node's network in one round trip: discover.sh, as root (it enters other
 * namespaces), with the sbin folders on PATH. parse.ts reads what it prints.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandLine } from '../shell/command-line.js';

const SCRIPT = readFileSync(join(import.meta.dirname, 'discover.sh'), 'utf8');

export const DISCOVERY_COMMAND = commandLine(SCRIPT, true);
