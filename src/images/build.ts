/**
 * The course images as rootfs tars on the host, built once per suite and recipe with mmdebstrap
 * (provision/host/build-image.sh) and kept in IMAGE_CACHE_DIR for every lab of that suite. One lock per suite:
 * two labs asking at once build once, and the images of one suite share one package download.
 */

import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { formatTime } from '../format.js';
import { hashRecipe, runBuildScript } from '../host/build-script.js';
import { withFileLock } from '../host/file-lock.js';
import { exists } from '../host/probe.js';
import { IMAGE_CACHE_DIR, PROVISION_DIR } from '../paths.js';
import type { CourseImage } from './catalog.js';

const BUILD_SCRIPT = join(PROVISION_DIR, 'host', 'build-image.sh');
const SETUP_SCRIPT = join(PROVISION_DIR, 'node', 'setup.sh');

export interface ImageTar {
  image: CourseImage;
  path: string;
  /** `docker import --change` instructions (CMD, EXPOSE), from the same recipe. */
  changes: string[];
}

/** The cached tar of each image for `suite`, building those that are missing or from an older recipe. */
export async function imageTars(images: readonly CourseImage[], suite: string, log: (line: string) => void, signal?: AbortSignal): Promise<ImageTar[]> {
  const wanted = await Promise.all(
    images.map(async (image) => ({
      image,
      path: join(IMAGE_CACHE_DIR, `${suite}-${image}-${await hashRecipe([BUILD_SCRIPT, SETUP_SCRIPT], [suite, image])}.tar`),
    })),
  );
  if ((await Promise.all(wanted.map((w) => exists(w.path)))).some((ok) => !ok)) {
    await mkdir(IMAGE_CACHE_DIR, { recursive: true });
    const lock = {
      lockPath: join(IMAGE_CACHE_DIR, `${suite}.build.lock`),
      onWait: () => log(`waiting for another docker-lab process that builds the ${suite} images`),
      signal,
    };
    await withFileLock(lock, async () => {
      const debs = join(IMAGE_CACHE_DIR, `${suite}.debs`);
      try {
        for (const w of wanted) {
          if (await exists(w.path)) continue; // built by the process we waited for
          await removeOlder(suite, w.image);
          log(`building the course image ${w.image} from Debian ${suite} on the host (once per suite; ${await lastBuildTime(suite, w.image)})`);
          await mkdir(debs, { recursive: true });
          const t0 = performance.now();
          await runBuildScript(BUILD_SCRIPT, [w.image, suite, w.path, debs], `building the image ${w.image}`, log, signal).finally(() =>
            rm(`${w.path}.partial`, { force: true }),
          );
          await writeFile(buildTimeFile(suite, w.image), String(Math.round(performance.now() - t0)));
        }
      } finally {
        await rm(debs, { recursive: true, force: true });
      }
    });
  }
  return Promise.all(wanted.map(async (w) => ({ ...w, changes: await importChanges(w.image) })));
}

/** How long the last build of an image took, kept beside the tars as a box's is beside the boxes (npm run bench reads both). */
export function buildTimeFile(suite: string, image: CourseImage): string {
  return join(IMAGE_CACHE_DIR, `${suite}-${image}.build-time`);
}

async function lastBuildTime(suite: string, image: CourseImage): Promise<string> {
  const ms = Number(await readFile(buildTimeFile(suite, image), 'utf8').catch(() => ''));
  return ms > 0 ? `the last build took ${formatTime(ms)}` : 'about half a minute';
}

async function importChanges(image: CourseImage): Promise<string[]> {
  const { stdout } = await execa('bash', ['-c', 'source "$1" && base_image_changes "$2"', 'bash', SETUP_SCRIPT, image]);
  return stdout.split('\n').filter(Boolean);
}

/** Tars of an earlier recipe are never used again. */
async function removeOlder(suite: string, image: CourseImage): Promise<void> {
  const prefix = `${suite}-${image}-`;
  for (const f of await readdir(IMAGE_CACHE_DIR)) if (f.startsWith(prefix) && f.endsWith('.tar')) await rm(join(IMAGE_CACHE_DIR, f), { force: true });
}
