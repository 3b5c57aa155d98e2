/** The files the project ships: every scenario loads against the committed lab, and the editor schema is current. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLab } from '../../src/lab/model.js';
import { SCENARIOS_DIR } from '../../src/paths.js';
import { listScenarios, loadScenario } from '../../src/scenario/catalog.js';
import { renderScenarioJsonSchema } from '../../src/scenario/format/write-schema.js';

const lab = loadLab(join(import.meta.dirname, '../../lab.yaml'));
const scenarios = listScenarios(SCENARIOS_DIR);

describe('the committed scenarios', () => {
  it('are the course: at least the ten experiments', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(10);
  });

  it.each(scenarios.map((s) => [s.name] as const))('%s loads against lab.yaml with every check', (name) => {
    const plan = loadScenario(name, { scenariosDir: SCENARIOS_DIR, lab });
    expect(plan.name).toBe(name);
    expect(plan.steps.length).toBeGreaterThan(0);
  });

  it('come with the JSON Schema their editors use, generated from the same zod schema (`npm run schema`)', () => {
    expect(readFileSync(join(SCENARIOS_DIR, 'scenario.schema.json'), 'utf8')).toBe(renderScenarioJsonSchema());
  });
});
