/** `requires: { docker: RANGE }`: each node's Docker daemon, read once per invocation, against the range. */
import semver from 'semver';
import type { Lab } from '../../lab/model.js';
import type { SshPool } from '../../ssh/pool.js';
import { DOCKER_SERVER_VERSION } from './remote.js';

const VERSION_TIMEOUT_MS = 15_000;

/** Node -> its daemon's version (or why it could not be read), shared by the scenarios of one invocation. */
export type DockerVersions = Map<string, Promise<string | Error>>;

/** Why the range is not met, or null when every node meets it. */
export async function unmetRequirement(range: string, pool: SshPool, lab: Lab, cache: DockerVersions = new Map()): Promise<string | null> {
  const problems: string[] = [];
  for (const node of lab.nodes.map((n) => n.name)) {
    let version = cache.get(node);
    if (!version) {
      version = pool
        .session(node)
        .exec(DOCKER_SERVER_VERSION, { timeoutMs: VERSION_TIMEOUT_MS })
        .then((r) =>
          r.exitCode === 0 && r.stdout.trim()
            ? r.stdout.trim()
            : new Error(`docker version failed (exit ${r.exitCode}): ${(r.stderr.trim().split('\n')[0] ?? '').slice(0, 200)}`),
        )
        .catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
      cache.set(node, version);
    }
    const v = await version;
    if (v instanceof Error) problems.push(`${node}: ${v.message}`);
    else {
      const coerced = semver.coerce(v);
      if (!coerced || !semver.satisfies(coerced, range)) problems.push(`${node} runs Docker ${v}`);
    }
  }
  return problems.length ? `needs Docker ${range}; ${problems.join('; ')}` : null;
}
