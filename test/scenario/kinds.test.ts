/**
 * The step kinds are asked, never named: every step of every committed scenario finds its kind in the registry,
 * and every way to write a step is a key of the file format.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLab } from '../../src/lab/model.js';
import { SCENARIOS_DIR } from '../../src/paths.js';
import { listScenarios, loadScenario } from '../../src/scenario/catalog.js';
import { scenarioJsonSchema } from '../../src/scenario/format/schema.js';
import { FORM_KEYS, kindOf } from '../../src/scenario/kinds/registry.js';
import { leaves, mainSteps } from '../../src/scenario/plan.js';

const lab = loadLab(join(import.meta.dirname, '../../lab.yaml'));

describe('the step kinds', () => {
  it('answer for every step the committed scenarios have', () => {
    let asked = 0;
    for (const { name } of listScenarios(SCENARIOS_DIR)) {
      const plan = loadScenario(name, { scenariosDir: SCENARIOS_DIR, lab });
      for (const step of [...mainSteps(plan), ...plan.cleanup]) {
        for (const s of [step, ...leaves(step)]) {
          expect(kindOf(s).kind).toBe(s.kind);
          asked++;
        }
      }
    }
    expect(asked).toBeGreaterThan(100);
  });

  it('are written with keys the file format has', () => {
    const step = (scenarioJsonSchema() as { $defs?: Record<string, { properties?: Record<string, unknown> }> }).$defs;
    const properties = Object.values(step ?? {}).find((d) => d.properties && 'run' in d.properties)?.properties ?? {};
    for (const key of FORM_KEYS) expect(properties).toHaveProperty(key);
  });
});
