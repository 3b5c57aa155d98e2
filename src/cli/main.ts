/**
 * The `lab` command: parses arguments, wires the rooms together and turns outcomes into exit codes
 * (0 ok, 1 a failure, 2 bad input or setup, 128 + the signal's number when interrupted: 130 for Ctrl-C,
 * 143 for SIGTERM). No logic of its own lives here.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { exitCodeOf, InputError, InterruptedError } from '../errors.js';
import { vagrantfileState, writeVagrantfile } from '../lab/files.js';
import { loadLab, type Lab } from '../lab/model.js';
import { down } from '../lifecycle/down.js';
import { recordedProvider } from '../lifecycle/recorded-provider.js';
import { formatStatus, status } from '../lifecycle/status.js';
import { cachedTargets } from '../lifecycle/targets.js';
import { up } from '../lifecycle/up.js';
import { SCENARIOS_DIR } from '../paths.js';
import { chooseProvider, PROVIDERS } from '../providers/index.js';
import { exercise } from '../exercise/command.js';
import { runMatrix } from '../matrix/run.js';
import { suiteFor } from '../matrix/suites.js';
import { listScenarios, loadScenario, runScenarios } from '../scenario/command.js';

const USAGE = `usage: lab <command> [options]

commands:
  up                      bring the lab's nodes up and reach them over ssh2
  down                    destroy the nodes and remove what the lab made on the host
  status                  provider, nodes, addresses and state
  doctor                  check prerequisites and host configuration, with fixes
  vagrantfile [--check]   write the Vagrantfile from lab.yaml (--check: exit 1 when it drifted)
  scenario <name|path>... run scenarios on the lab (--list to see them)
  matrix                  every scenario on several Docker versions, one lab each, one table
  exercise <name>         the student types the scenario, docker-lab checks each step
                          (--challenge: goals only; --check: how far the lab got, exit 0 when all done;
                          --reset: run the cleanup and forget the progress)

options:
  --lab FILE              the lab file (default: ./lab.yaml)
  --provider NAME         virtualbox | libvirt | vmware_desktop | lxc (default: DOCKER_LAB_PROVIDER, then auto-detected)
  scenario: --list --keep --ignore-requires --reporter junit|json --output FILE --run-dir DIR
            --repeat N (run them N times in a row: each run's status and time, then a summary)
  matrix:   --docker V1,V2 (a version or a Debian suite) --scenario A,B --ignore-requires
            --baseline matrix.json --jobs N (labs side by side, default 1) --out DIR (default runs/matrix)`;

const OPTIONS = {
  lab: { type: 'string' },
  provider: { type: 'string' },
  check: { type: 'boolean' },
  challenge: { type: 'boolean' },
  reset: { type: 'boolean' },
  list: { type: 'boolean' },
  keep: { type: 'boolean' },
  'ignore-requires': { type: 'boolean' },
  reporter: { type: 'string' },
  output: { type: 'string' },
  'run-dir': { type: 'string' },
  repeat: { type: 'string' },
  docker: { type: 'string' },
  scenario: { type: 'string' },
  baseline: { type: 'string' },
  jobs: { type: 'string' },
  out: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Args = ReturnType<typeof parse>;

function parse(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new InputError(`${(err as Error).message}\n\n${USAGE}`);
  }
}

async function main(argv: string[], interruptions: Interruptions): Promise<number> {
  const { signal } = interruptions;
  const args = parse(argv);
  const [command, ...rest] = args.positionals;
  if (args.values.help || !command) {
    console.log(USAGE);
    return args.values.help ? 0 : 2;
  }
  const lab = loadLab(resolve(args.values.lab ?? 'lab.yaml'));
  switch (command) {
    case 'vagrantfile':
      return vagrantfileCommand(lab, args.values.check ?? false);
    case 'doctor':
      return doctor(lab, args);
    case 'up': {
      await ensureVagrantfile(lab);
      const provider = await chooseProvider(lab, args.values.provider);
      interruptions.adviseWhenCut(`what the interrupted up made so far stays until \`lab down --lab ${lab.file}\` removes it`);
      await up(lab, provider, signal);
      return 0;
    }
    case 'down': {
      const recorded = await recordedProvider(lab);
      const provider = await chooseProvider(lab, args.values.provider ?? recorded ?? undefined);
      interruptions.finishFirst('the cleanup');
      await down(lab, provider);
      return 0;
    }
    case 'status': {
      const provider = await chooseProvider(lab, args.values.provider ?? (await recordedProvider(lab)) ?? undefined);
      console.log(formatStatus(lab, provider, await status(lab, provider)));
      return 0;
    }
    case 'scenario':
      return scenario(lab, rest, args, signal);
    case 'matrix':
      return matrix(lab, args, signal);
    case 'exercise':
      if (rest.length !== 1) throw new InputError(`exercise: name one scenario\n\n${USAGE}`);
      return exercise(lab, rest[0]!, args.values.reset ? 'reset' : args.values.check ? 'check' : args.values.challenge ? 'challenge' : 'interactive');
    default:
      throw new InputError(`unknown command '${command}'\n\n${USAGE}`);
  }
}

async function vagrantfileCommand(lab: Lab, check: boolean): Promise<number> {
  if (!check) {
    await writeVagrantfile(lab);
    console.log(`wrote ${lab.dir}/Vagrantfile from ${lab.file}`);
    return 0;
  }
  const state = await vagrantfileState(lab);
  if (state.kind === 'current') return 0;
  console.error(
    state.kind === 'missing'
      ? `${lab.dir}/Vagrantfile is missing; run \`npm run vagrantfile\``
      : `${lab.dir}/Vagrantfile differs from what ${lab.file} generates (run \`npm run vagrantfile\`):\n${state.diff}`,
  );
  return 1;
}

/** `up` never runs a Vagrantfile that disagrees with lab.yaml: it writes a missing one and refuses a drifted one. */
async function ensureVagrantfile(lab: Lab): Promise<void> {
  const state = await vagrantfileState(lab);
  if (state.kind === 'missing') await writeVagrantfile(lab);
  if (state.kind === 'drifted') {
    throw new InputError(`${lab.dir}/Vagrantfile differs from what ${lab.file} generates; run \`npm run vagrantfile\`:\n${state.diff}`);
  }
}

async function doctor(lab: Lab, args: Args): Promise<number> {
  const providers = args.values.provider ? [await chooseProvider(lab, args.values.provider)] : Object.values(PROVIDERS).filter((p) => lab.boxes[p.name]);
  let usable = 0;
  for (const provider of providers) {
    const findings = await provider.preflight(lab);
    const ok = findings.every((f) => f.ok);
    if (ok) usable++;
    console.log(`${ok ? '✔' : '✖'} ${provider.name}`);
    for (const f of findings) console.log(`    ${f.ok ? 'ok ' : 'MISSING'} ${f.what}${!f.ok && f.fix ? `\n            fix: ${f.fix}` : ''}`);
  }
  return usable > 0 ? 0 : 2;
}

async function scenario(lab: Lab, names: string[], args: Args, signal: AbortSignal): Promise<number> {
  if (args.values.list) {
    for (const s of listScenarios(SCENARIOS_DIR)) {
      const requires = s.requiresDocker ? ` [Docker ${s.requiresDocker}]` : '';
      console.log(`${s.name.padEnd(20)} ${s.problem ? `(invalid: ${s.problem})` : (s.description.split('\n')[0] ?? '') + requires}`);
    }
    return 0;
  }
  if (names.length === 0) throw new InputError(`scenario: name a scenario, or --list\n\n${USAGE}`);
  const reporter = args.values.reporter;
  if (reporter !== undefined && reporter !== 'junit' && reporter !== 'json') throw new InputError(`--reporter: '${reporter}' is not junit or json`);
  const repeat = Number(args.values.repeat ?? 1);
  if (!Number.isInteger(repeat) || repeat < 1) throw new InputError(`--repeat: '${args.values.repeat}' is not a whole number of at least 1`);
  // Every file is checked before anything runs on a node.
  const plans = names.map((n) => loadScenario(n, { scenariosDir: SCENARIOS_DIR, lab }));
  const targets = await cachedTargets(lab);
  if (!targets) throw new InputError(`lab '${lab.name}' is not up (no SSH addresses recorded); run \`npm run up\` first`);
  const result = await runScenarios(plans, {
    lab,
    targets,
    keep: args.values.keep ?? false,
    ignoreRequires: args.values['ignore-requires'] ?? false,
    ...(reporter ? { reporter } : {}),
    ...(args.values.output ? { output: args.values.output } : {}),
    ...(args.values['run-dir'] ? { runDir: args.values['run-dir'] } : {}),
    repeat,
    signal,
  });
  if (result.reportFile) console.log(`report: ${result.reportFile}`);
  return result.exitCode;
}

async function matrix(lab: Lab, args: Args, signal: AbortSignal): Promise<number> {
  const list = (v: string | undefined) => (v ? v.split(',').map((x) => x.trim()).filter(Boolean) : []);
  const versions = list(args.values.docker);
  if (versions.length === 0) throw new InputError(`matrix: --docker is required, e.g. --docker 20.10.24,26.1.5\n\n${USAGE}`);
  const jobs = Number(args.values.jobs ?? 1);
  if (!Number.isInteger(jobs) || jobs < 1) throw new InputError(`--jobs: '${args.values.jobs}' is not a whole number of at least 1`);
  const scenarios = list(args.values.scenario);
  const result = await runMatrix({
    base: lab,
    suites: versions.map(suiteFor),
    scenarios: scenarios.length ? scenarios : listScenarios(SCENARIOS_DIR).filter((s) => !s.problem && s.name !== 'sample').map((s) => s.name),
    ignoreRequires: args.values['ignore-requires'] ?? false,
    jobs,
    outDir: resolve(args.values.out ?? 'runs/matrix'),
    ...(args.values.baseline ? { baseline: resolve(args.values.baseline) } : {}),
    signal,
  });
  console.log(`\n${result.table}`);
  if (result.regressions.length) console.log(`regressions against the baseline: ${result.regressions.map((c) => `${c.scenario} on ${c.column}`).join(', ')}`);
  return result.exitCode;
}

/**
 * Ctrl-C or SIGTERM aborts the work in hand, which then cleans up; a command that is itself the cleanup
 * (`down`) is not aborted but finishes first. Either way the exit code is the signal's, and a second signal
 * ends the process at once.
 */
class Interruptions {
  private readonly controller = new AbortController();
  readonly signal = this.controller.signal;
  private finishing: string | null = null;
  private advice: string | null = null;

  constructor() {
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => this.interrupt(sig));
  }

  /** From now on a signal does not stop the command: `what` runs to its end. */
  finishFirst(what: string): void {
    this.finishing = what;
  }

  /** What the user should know when a signal cut the command short. */
  adviseWhenCut(text: string): void {
    this.advice = text;
  }

  /** Whether an error is the work's answer to a signal (a command that finishes first has none). */
  explains(err: unknown): boolean {
    return err instanceof InterruptedError || (this.signal.aborted && this.finishing === null);
  }

  /** The exit code the signal calls for, null when none came; says how the command ended after it. */
  end(completed: boolean): number | null {
    if (!this.signal.aborted) return null;
    const { signal, exitCode } = this.signal.reason as InterruptedError;
    if (completed && this.finishing) console.error(`${signal}: ${this.finishing} finished`);
    if (!completed && this.advice) console.error(`${signal}: ${this.advice}`);
    return exitCode;
  }

  private interrupt(sig: NodeJS.Signals): void {
    const interruption = new InterruptedError(sig);
    if (this.signal.aborted) process.exit(interruption.exitCode);
    const doing = this.finishing ? `finishing ${this.finishing} first` : 'stopping and cleaning up';
    console.error(`\n${sig}: ${doing} (again to quit at once)`);
    this.controller.abort(interruption);
  }
}

const interruptions = new Interruptions();
let exitCode: number;
try {
  exitCode = await main(process.argv.slice(2), interruptions);
} catch (err) {
  if (err instanceof InputError) console.error(`error: ${err.describe()}`);
  else console.error(`${interruptions.explains(err) ? 'interrupted' : 'failed'}: ${(err as Error).message ?? err}`);
  exitCode = exitCodeOf(err);
}
process.exitCode = interruptions.end(exitCode === 0) ?? exitCode;
