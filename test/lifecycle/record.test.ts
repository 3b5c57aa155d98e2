import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { loadLab } from '../../src/lab/model.js';
import { claimLab, readRecord, recordedProvider, releaseLab } from '../../src/lifecycle/record.js';

const GOOD = readFileSync(join(import.meta.dirname, '../../lab.yaml'), 'utf8');
const checkout = () => {
  const dir = mkdtempSync(join(tmpdir(), 'checkout-'));
  writeFileSync(join(dir, 'lab.yaml'), GOOD.replace('name: docker-lab', 'name: rec-lab'));
  return loadLab(join(dir, 'lab.yaml'));
};

describe("a lab's record: which folder holds it, with which provider", () => {
  const saved = process.env.DOCKER_LAB_STATE;
  beforeEach(() => {
    process.env.DOCKER_LAB_STATE = mkdtempSync(join(tmpdir(), 'records-'));
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.DOCKER_LAB_STATE;
    else process.env.DOCKER_LAB_STATE = saved;
  });

  it('keeps the provider from up until down has finished; then there is nothing to do', async () => {
    const lab = checkout();
    expect(await recordedProvider(lab)).toBeNull();
    expect(await claimLab(lab, 'lxc')).toBe(true);
    expect(await claimLab(lab, 'lxc')).toBe(false); // a second up: already this folder's
    expect(await recordedProvider(lab)).toBe('lxc');
    await releaseLab(lab);
    expect(await recordedProvider(lab)).toBeNull();
  });

  it('refuses a second checkout with the same lab name, naming the folder that holds it and both ways out', async () => {
    const first = checkout();
    const second = checkout();
    await claimLab(first, 'lxc');
    for (const attempt of [() => claimLab(second, 'lxc'), () => recordedProvider(second)]) {
      const err = await attempt().then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).exitCode).toBe(2);
      expect((err as InputError).message).toContain(`up from another folder: ${first.dir}`);
      expect((err as InputError).message).toContain(`lab down --lab ${first.file}`);
      expect((err as InputError).message).toContain(`change \`name:\` in ${second.file}`);
    }
    await releaseLab(second); // not its record: nothing changes
    expect((await readRecord('rec-lab'))?.dir).toBe(first.dir);
  });

  it('refuses another provider for a lab that is up', async () => {
    const lab = checkout();
    await claimLab(lab, 'lxc');
    await expect(claimLab(lab, 'libvirt')).rejects.toThrow(/is up with provider lxc, not libvirt/);
  });
});
