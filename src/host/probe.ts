import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';

/** Whether a command is on PATH (or under /usr/sbin, which a non-login root shell may lack). */
export async function hasCommand(name: string): Promise<boolean> {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin'];
  for (const dir of dirs) {
    try {
      await access(join(dir, name), constants.X_OK);
      return true;
    } catch {
      /* next */
    }
  }
  return false;
}

export async function hasDebianPackage(name: string): Promise<boolean> {
  const r = await execa('dpkg-query', ['-W', '-f=${Status}', name], { reject: false });
  return r.exitCode === 0 && String(r.stdout).includes('install ok installed');
}

export async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
