/**
 * A multi-line `run:` is a block of course commands, and a reader expects it to stop where a command fails,
 * not to run the lines after it against a state that is not there (and then pass on the last line's code).
 * So a block runs under `set -e`, with an ERR trap that names the line that failed. A one-line command is
 * sent as written: its `a; b` or `a || b` means what bash says it means.
 *
 * `set -e` keeps bash's own exceptions, which are also what a reader means: a command tested by `if`,
 * `while`, `&&`, `||` or `!` does not stop the block, and a pipeline stops it only when its last command fails.
 */

/** The line is counted in the step's own text: the preamble is one line, so LINENO is one ahead. */
const PREAMBLE = `set -e; trap 'echo "docker-lab: the step stopped at its line $((LINENO - 1)) (exit $?): $BASH_COMMAND" >&2' ERR`;

export function isMultiLine(command: string): boolean {
  return command.trimEnd().includes('\n');
}

/** The script sent for a step's command. */
export function stopAtFirstFailure(command: string): string {
  return isMultiLine(command) ? `${PREAMBLE}\n${command}` : command;
}
