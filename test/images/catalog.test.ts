/**
 * The images a scenario may list under `images:` are the ones the shell recipe can build: the two lists live in
 * two languages (the recipe also runs on a public VM box, without Node), so this keeps them equal.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COURSE_IMAGES } from '../../src/images/catalog.js';
import { loadLab } from '../../src/lab/model.js';
import { PROVISION_DIR, SCENARIOS_DIR } from '../../src/paths.js';
import { listScenarios, loadScenario } from '../../src/scenario/catalog.js';

describe('course images', () => {
  it('are the images setup.sh has a recipe for', () => {
    // The file is passed as $1: sourced with it as $0, setup.sh would take itself for the script being run.
    const script =
      'source "$1"; printf "%s\\n" "${BASE_IMAGES[@]}"; for i in "${BASE_IMAGES[@]}"; do [ -n "$(base_image_packages "$i")" ] || echo "no packages for $i"; done';
    const out = execFileSync('bash', ['-c', script, 'bash', join(PROVISION_DIR, 'node', 'setup.sh')], { encoding: 'utf8' });
    expect(out.trim().split('\n')).toEqual([...COURSE_IMAGES]);
  });

  it('are listed by every scenario that builds FROM python or runs redis, and by no other', () => {
    const lab = loadLab(join(import.meta.dirname, '../../lab.yaml'));
    for (const { name } of listScenarios(SCENARIOS_DIR)) {
      const plan = loadScenario(name, { scenariosDir: SCENARIOS_DIR, lab });
      const text = JSON.stringify(plan.steps);
      const uses = text.includes('FROM python') || /docker run [^"]*\bredis(\\n|"|$)/.test(text);
      expect(plan.images.length > 0, `${name}: images ${JSON.stringify(plan.images)}`).toBe(uses);
    }
  });
});
