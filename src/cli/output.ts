// Output files: checked before a run starts; regular files written whole (temp file + rename) or not at all.
import {
  closeSync,
  existsSync,
  lstatSync,
  openSync,
  readFileSync,
  readlinkSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from './io.js';

/** A symlink's final target (a missing path, or one that is not a link, is itself). */
function followLinks(abs: string): string {
  let path = abs;
  for (let i = 0; i < 40; i++) {
    try {
      if (!lstatSync(path).isSymbolicLink()) return path;
    } catch {
      return path;
    }
    path = resolve(dirname(path), readlinkSync(path));
  }
  return path;
}

/** Something that exists and is not a regular file: a device (/dev/null), a named pipe, a socket. Written in place. */
function isSpecial(abs: string): boolean {
  return existsSync(abs) && !statSync(abs).isFile() && !statSync(abs).isDirectory();
}

/**
 * Refuse an output path that cannot be written, before any work is done.
 * Returns the path to write: a symlink's target (the link stays a link).
 */
export function checkOutputPath(flag: string, file: string, cwd: string): string {
  const abs = followLinks(resolve(cwd, file));
  const dir = dirname(abs);
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new UsageError([`${flag} ${file}: expected a file in an existing directory, found no directory ${dir}`]);
  if (existsSync(abs) && statSync(abs).isDirectory()) throw new UsageError([`${flag} ${file}: expected a file path, found a directory`]);
  if (isSpecial(abs)) return abs; // written in place: a device or a pipe is not replaced by a file
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

/**
 * Write `text` to `abs` so that readers see the old file or the whole new one,
 * never a part. A device or a named pipe is written in place instead (renaming
 * a file over it would replace it).
 */
export function writeAtomically(abs: string, text: string): void {
  if (isSpecial(abs)) {
    writeFileSync(abs, text);
    return;
  }
  const tmp = tempPath(abs);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, abs);
  } catch (err) {
    if (existsSync(tmp)) unlinkSync(tmp);
    throw err;
  }
}

/** Parse a JSON input file named by a flag; a missing, unreadable or non-JSON file is the user's mistake, said in one line. */
export function readJsonInput(flag: string, file: string, cwd: string, expected: string): unknown {
  try {
    return JSON.parse(readFileSync(resolve(cwd, file), 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const found =
      code === 'ENOENT'
        ? 'no such file'
        : err instanceof SyntaxError
          ? 'text that is not JSON'
          : code
            ? `an unreadable file (${code})`
            : String(err);
    throw new UsageError([`${flag}${flag ? ' ' : ''}${file}: expected ${expected}, found ${found}`]);
  }
}
