import { access, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { formatTime } from '../format.js';
import { hashRecipe, runBuildScript } from '../host/build-script.js';
import { withFileLock } from '../host/file-lock.js';
import { type Lab, labFieldError } from '../lab/model.js';
import { BOX_CACHE_DIR, PROVISION_DIR } from '../paths.js';
import { addBox } from '../vagrant/driver.js';

/*
 * The boxes docker-lab builds itself, all from one rootfs recipe (provision/host/build-box.sh) and a packer per
 * provider (box-<provider>.sh). A provider whose packer is there can have its box built; this file knows none of
 * them by name.
 */

const BUILD_SCRIPT = join(PROVISION_DIR, 'host', 'build-box.sh');

function packerScript(provider: string): string {
  return join(PROVISION_DIR, 'host', `box-${provider}.sh`);
}

/** The build script sources the node's setup (which runs at first boot) and the provider's packer: all are the box's recipe. */
function recipeFiles(provider: string): string[] {
  return [BUILD_SCRIPT, packerScript(provider), join(PROVISION_DIR, 'node', 'setup.sh')];
}

/** How long the last build of a box took, kept beside the built boxes: what the next build costs, said before it starts. */
function buildTimeFile(provider: string, suite: string): string {
  return join(BOX_CACHE_DIR, `${provider}-${suite}.build-time`);
}

async function lastBuildTime(provider: string, suite: string): Promise<string> {
  const ms = Number(await readFile(buildTimeFile(provider, suite), 'utf8').catch(() => ''));
  return ms > 0 ? `the last build took ${formatTime(ms)}` : 'the first build takes a few minutes';
}

/** Boxes named `docker-lab/<suite>` are built here; any other name is the user's own and must already exist. */
export function managedSuite(boxName: string): string | null {
  const m = /^docker-lab\/([a-z]+)$/.exec(boxName);
  return m ? m[1]! : null;
}

/** Identifies a box recipe: a change to a recipe file, the suite or the provider gives a new id, and so a rebuild. */
function recipeId(provider: string, suite: string): Promise<string> {
  return hashRecipe(recipeFiles(provider), [suite, provider]);
}

function vagrantHome(): string {
  return process.env.VAGRANT_HOME ?? join(homedir(), '.vagrant.d');
}

/** Where Vagrant unpacked a local box (stored as version 0) for one provider. */
export function installedBoxDir(boxName: string, provider: string): string {
  return join(vagrantHome(), 'boxes', boxName.replaceAll('/', '-VAGRANTSLASH-'), '0', provider);
}

/** The recipe id of the installed box, or null when there is none (Vagrant stores a local box as version 0). */
async function installedRecipe(boxName: string, provider: string): Promise<string | null> {
  const file = join(installedBoxDir(boxName, provider), 'metadata.json');
  try {
    const meta = JSON.parse(await readFile(file, 'utf8')) as { 'docker-lab-recipe'?: string };
    return meta['docker-lab-recipe'] ?? '';
  } catch {
    return null;
  }
}

/** Refuses a box that is not installed and that docker-lab cannot build. Quick and makes nothing, so it goes first. */
export async function checkBox(lab: Lab, provider: string): Promise<void> {
  const boxName = lab.boxes[provider]!;
  const suite = managedSuite(boxName);
  if (suite !== null && suite !== lab.suite) {
    throw labFieldError(lab, ['boxes', provider], `docker-lab builds docker-lab/${lab.suite} for suite ${lab.suite}, not ${boxName}`);
  }
  if (
    suite !== null &&
    !(await access(packerScript(provider)).then(
      () => true,
      () => false,
    ))
  ) {
    throw labFieldError(lab, ['boxes', provider], `docker-lab builds no boxes for ${provider}; name a box of your own, added with \`vagrant box add\``);
  }
  if (suite === null && (await installedRecipe(boxName, provider)) === null) {
    throw labFieldError(
      lab,
      ['boxes', provider],
      `box '${boxName}' is not installed for ${provider}, and docker-lab builds only docker-lab/<suite> boxes; add it with \`vagrant box add\` or use docker-lab/${lab.suite}`,
    );
  }
}

/**
 * Makes sure the lab's box for the provider is installed and built from the current recipe (after `checkBox`: a
 * box of the user's own is then there). Two labs asking for the same box at once build it once: the second waits
 * on the lock.
 */
export async function ensureBox(lab: Lab, provider: string, log: (l: string) => void, signal?: AbortSignal): Promise<void> {
  const boxName = lab.boxes[provider]!;
  const suite = managedSuite(boxName);
  if (suite === null) return;
  const want = await recipeId(provider, suite);
  if ((await installedRecipe(boxName, provider)) === want) return;

  await mkdir(BOX_CACHE_DIR, { recursive: true });
  const lock = {
    lockPath: join(BOX_CACHE_DIR, `${provider}-${suite}.build.lock`),
    onWait: () => log('waiting for another docker-lab process that builds the same box'),
    signal,
  };
  await withFileLock(lock, async () => {
    if ((await installedRecipe(boxName, provider)) === want) return; // built by the lab we waited for
    const boxFile = join(BOX_CACHE_DIR, `${provider}-${suite}-${want}.box`);
    log(`building ${provider} box ${boxName} from Debian ${suite} (mmdebstrap; ${await lastBuildTime(provider, suite)})`);
    const t0 = performance.now();
    try {
      await runBuildScript(BUILD_SCRIPT, [provider, suite, boxFile, want], `building box ${boxName}`, log, signal);
      await writeFile(buildTimeFile(provider, suite), String(Math.round(performance.now() - t0)));
    } finally {
      await rm(`${boxFile}.partial`, { force: true });
    }
    log(`adding box ${boxName}`);
    try {
      await addBox(boxName, boxFile);
    } finally {
      await rm(boxFile, { force: true });
    }
  });
}
