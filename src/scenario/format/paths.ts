/** Where scenario and fragment files are, by name. */
import { existsSync, readdirSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

/** Whether the user named a file (`./x.yaml`, `my/lesson`) rather than a scenario of the catalog. */
export function isScenarioPath(nameOrPath: string): boolean {
  return nameOrPath.includes('/') || /\.ya?ml$/.test(nameOrPath);
}

/** `overlay` -> `<scenariosDir>/overlay.yaml`; anything that looks like a path is taken as one. */
export function scenarioPath(nameOrPath: string, scenariosDir: string): string {
  if (isScenarioPath(nameOrPath)) return isAbsolute(nameOrPath) ? nameOrPath : resolve(nameOrPath);
  return join(scenariosDir, `${nameOrPath}.yaml`);
}

export function fragmentPath(name: string, scenariosDir: string): string {
  return join(scenariosDir, 'fragments', `${name}.yaml`);
}

export function fragmentsDir(scenariosDir: string): string {
  return join(scenariosDir, 'fragments');
}

export function listYaml(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => f.replace(/\.ya?ml$/, ''))
    .sort();
}

export function availableHint(dir: string): string {
  const names = listYaml(dir);
  return names.length ? ` (scenarios in ${dir}: ${names.join(', ')})` : '';
}
