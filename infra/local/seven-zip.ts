import { execFile } from 'node:child_process';
import { accessSync, chmodSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import sevenZipBin from '7zip-bin';

const run = promisify(execFile);

function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

let resolved: string | undefined;

/**
 * The 7-Zip to open reports with, as a mentor would: a system `7z` when installed, otherwise the
 * 7za that the `7zip-bin` dev dependency ships, so a bare machine with only Node needs nothing
 * else. That package's Linux and macOS binaries arrive without the run bit, so it is restored here.
 */
export function sevenZipPath(): string {
  if (resolved !== undefined) return resolved;
  const system = onPath('7z');
  if (system !== undefined) {
    resolved = system;
    return system;
  }
  const packaged = sevenZipBin.path7za;
  if (process.platform !== 'win32') {
    const mode = statSync(packaged).mode;
    if ((mode & 0o111) !== 0o111) chmodSync(packaged, mode | 0o755);
  }
  resolved = packaged;
  return packaged;
}

/** Runs 7-Zip with `args` (never a shell: passwords and paths go through as they are). */
export function sevenZip(
  args: string[],
  options: { maxBuffer?: number; encoding?: 'buffer' } = {},
): Promise<{ stdout: Buffer; stderr: Buffer }> {
  return run(sevenZipPath(), args, { maxBuffer: options.maxBuffer ?? 64 * 1024 * 1024, encoding: 'buffer' });
}
