/**
 * A lesson's course images on every node before its first step: built on the host when missing (once per
 * suite), then imported where a node lacks them. A node that already has an image (an earlier lesson, or a
 * public VM box that built its own) costs one `docker image inspect`.
 */
import type { Lab } from '../lab/model.js';
import type { SshPool } from '../ssh/pool.js';
import { imageTars } from './build.js';
import type { CourseImage } from './catalog.js';
import { importImage, missingImages } from './onto-nodes.js';

export async function provideImages(
  images: readonly CourseImage[],
  ctx: { pool: SshPool; lab: Lab; log: (line: string) => void; signal?: AbortSignal },
): Promise<void> {
  if (!images.length) return;
  const missing = await missingImages(
    ctx.pool,
    ctx.lab.nodes.map((n) => n.name),
    images,
    ctx.signal,
  );
  if (!missing.size) return;
  const needed = images.filter((i) => [...missing.values()].some((lacks) => lacks.includes(i)));
  const tars = new Map((await imageTars(needed, ctx.lab.suite, ctx.log, ctx.signal)).map((t) => [t.image, t]));
  await Promise.all(
    [...missing].map(async ([node, lacks]) => {
      for (const image of lacks) {
        ctx.log(`importing the course image ${image} on ${node}`);
        await importImage(ctx.pool.session(node), tars.get(image)!, ctx.signal);
      }
    }),
  );
}
