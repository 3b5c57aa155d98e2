/**
 * `npm run bench -- --images [--suite S]`: the course images built on the host once with debootstrap and once
 * with mmdebstrap, one after the other in this run, each as a lab builds them (build-image.sh, the images of the
 * suite sharing one package download, each tool with a download of its own), into a temp folder: docker-lab's
 * image cache is never touched. Beside them, the build times docker-lab recorded on this host for its boxes and
 * images. As root, like every build. It reports; it asserts nothing.
 */
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { COURSE_IMAGES } from '../src/images/catalog.js';
import { BOX_CACHE_DIR, IMAGE_CACHE_DIR, PROVISION_DIR } from '../src/paths.js';
import { type ImageBuildFigures, type RecordedBuild, renderImageBuilds } from './report.js';

/** The older first: it is what the ratio is taken against. */
const BOOTSTRAPPERS = ['debootstrap', 'mmdebstrap'] as const;

/** Every `*.build-time` docker-lab left in a cache folder (milliseconds, one number a file). */
async function recordedIn(dir: string, kind: string): Promise<RecordedBuild[]> {
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.build-time')).sort();
  const builds = await Promise.all(
    files.map(async (f) => ({ what: `${kind} ${f.slice(0, -'.build-time'.length)}`, seconds: Number(await readFile(join(dir, f), 'utf8')) / 1000 })),
  );
  return builds.filter((b) => b.seconds > 0);
}

/** The build times docker-lab's last builds left on this host: boxes, then images. */
export async function recordedBuilds(): Promise<RecordedBuild[]> {
  return [...(await recordedIn(BOX_CACHE_DIR, 'box')), ...(await recordedIn(IMAGE_CACHE_DIR, 'image'))];
}

export async function benchImages(suite: string): Promise<number> {
  const work = await mkdtemp('/var/tmp/docker-lab-bench-images-');
  const figures: ImageBuildFigures = { suite, tools: [], recorded: await recordedBuilds() };
  try {
    for (const tool of BOOTSTRAPPERS) {
      const debs = join(work, `${tool}.debs`);
      await mkdir(debs);
      const images: ImageBuildFigures['tools'][number]['images'] = [];
      for (const image of COURSE_IMAGES) {
        console.log(`\n$ BASE_IMAGE_BOOTSTRAP=${tool} build-image.sh ${image} ${suite}`);
        const t0 = performance.now();
        const r = await execa('bash', [join(PROVISION_DIR, 'host', 'build-image.sh'), image, suite, join(work, `${tool}-${image}.tar`), debs], {
          env: { BASE_IMAGE_BOOTSTRAP: tool },
          stdin: 'ignore',
          stdout: 'inherit',
          stderr: 'inherit',
          reject: false,
        });
        images.push({ image, seconds: (performance.now() - t0) / 1000, ok: r.exitCode === 0 });
        await rm(join(work, `${tool}-${image}.tar`), { force: true });
      }
      figures.tools.push({ tool, images });
      await rm(debs, { recursive: true, force: true });
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  console.log(`\n${renderImageBuilds(figures)}`);
  return figures.tools.every((t) => t.images.every((i) => i.ok)) ? 0 : 1;
}
