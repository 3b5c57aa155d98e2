/** Regenerates scenarios/scenario.schema.json from the zod schema: `npm run schema`. */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scenarioJsonSchema } from './schema.js';

export function renderScenarioJsonSchema(): string {
  return `${JSON.stringify({ $id: 'https://docker-lab/scenario.schema.json', ...scenarioJsonSchema() }, null, 2)}\n`;
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const target = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'scenarios', 'scenario.schema.json');
  writeFileSync(target, renderScenarioJsonSchema());
  console.log(`wrote ${target}`);
}
