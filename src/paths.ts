import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project's own folder (where provision/ and scenarios/ live), wherever a lab's folder is. */
export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const PROVISION_DIR = join(PROJECT_ROOT, 'provision');
export const SCENARIOS_DIR = join(PROJECT_ROOT, 'scenarios');
/** Built boxes before `vagrant box add`, and the lock that keeps two labs from building one box twice. */
export const BOX_CACHE_DIR = process.env.DOCKER_LAB_CACHE ?? '/var/cache/docker-lab/boxes';
/** The course's base images as rootfs tars, one per suite and recipe, kept for every lab that needs them. */
export const IMAGE_CACHE_DIR = join(dirname(BOX_CACHE_DIR), 'images');
