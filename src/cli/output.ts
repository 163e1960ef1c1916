// Output files: checked before a run starts, written whole (temp file + rename) or not at all.
import { closeSync, existsSync, openSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from './io.js';

/** Refuse an output path that cannot be written, before any work is done. */
export function checkOutputPath(flag: string, file: string, cwd: string): string {
  const abs = resolve(cwd, file);
  const dir = dirname(abs);
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new UsageError([`${flag} ${file}: expected a file in an existing directory, found no directory ${dir}`]);
  if (existsSync(abs) && statSync(abs).isDirectory()) throw new UsageError([`${flag} ${file}: expected a file path, found a directory`]);
  // write the temporary file the real write will use, once, so a path that cannot be written is found now, not after the run
  const probe = tempPath(abs);
  try {
    closeSync(openSync(probe, 'w'));
    unlinkSync(probe);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError([
      `${flag} ${file}: expected a file msim can write, found ${code === 'EACCES' || code === 'EPERM' ? 'no permission to write in' : code === 'EROFS' ? 'a read-only file system at' : `an error writing in (${code ?? String(err)})`} ${dir}`,
    ]);
  }
  return abs;
}

function tempPath(abs: string): string {
  return `${abs}.${process.pid}.tmp`;
}

/** Write `text` to `abs` so that readers see the old file or the whole new one, never a part. */
export function writeAtomically(abs: string, text: string): void {
  const tmp = tempPath(abs);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, abs);
  } catch (err) {
    if (existsSync(tmp)) unlinkSync(tmp);
    throw err;
  }
}
