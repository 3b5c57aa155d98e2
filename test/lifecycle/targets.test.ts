import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { loadLab } from '../../src/lab/model.js';
import { requireTargets, sshConfigPath, sshConfigText } from '../../src/lifecycle/targets.js';
import { parseSshConfig } from '../../src/vagrant/parse.js';

const GOOD = readFileSync(join(import.meta.dirname, '../../lab.yaml'), 'utf8');
const checkout = () => {
  const dir = mkdtempSync(join(tmpdir(), 'targets-'));
  writeFileSync(join(dir, 'lab.yaml'), GOOD);
  return loadLab(join(dir, 'lab.yaml'));
};
const target = (node: string, port: number) => ({ node, host: '127.0.0.1', port, user: 'vagrant', identityFile: `/keys/${node} key` });

describe("the lab's SSH targets, cached by up", () => {
  it('are written as ssh_config text that reads back the same (a path with a space included)', () => {
    const targets = [target('node1', 2222), target('node2', 2200)];
    const text = sshConfigText(targets);
    expect(text).toContain('StrictHostKeyChecking no');
    expect(parseSshConfig(text)).toEqual(targets);
  });

  it('say the lab is not up, as bad input naming the fix, when there is no cache', async () => {
    const lab = checkout();
    const err = await requireTargets(lab).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).exitCode).toBe(2);
    expect((err as Error).message).toContain(`lab up --lab ${lab.file}`);
  });

  it("count a lab with a node missing from the cache as not up, and give the rest in the lab's order", async () => {
    const lab = checkout();
    const [first, second] = lab.nodes.map((n, i) => target(n.name, 2200 + i));
    mkdirSync(join(lab.dir, '.vagrant', 'docker-lab'), { recursive: true });
    writeFileSync(sshConfigPath(lab), sshConfigText([first!]));
    await expect(requireTargets(lab)).rejects.toThrow(/is not up/);
    writeFileSync(sshConfigPath(lab), sshConfigText([second!, first!]));
    expect(await requireTargets(lab)).toEqual([first, second]);
  });
});
