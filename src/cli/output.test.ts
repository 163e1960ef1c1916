import { spawn } from 'node:child_process';
import { lstatSync, mkdtempSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkOutputPath, writeAtomically } from './output.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'msim-out-'));
const write = (file: string, text: string) => writeAtomically(checkOutputPath('--json', file, '/'), text);

describe('output files', () => {
  it('replaces a regular file whole', () => {
    const f = join(tmp(), 'r.json');
    writeFileSync(f, 'old');
    write(f, 'new');
    expect(readFileSync(f, 'utf8')).toBe('new');
    expect(lstatSync(f).isFile()).toBe(true);
  });

  it('writes through a symlink to its target and keeps the link', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'target.json'), 'old');
    symlinkSync('target.json', join(dir, 'link.json'));
    write(join(dir, 'link.json'), 'new');
    expect(lstatSync(join(dir, 'link.json')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(dir, 'link.json'))).toBe('target.json');
    expect(readFileSync(join(dir, 'target.json'), 'utf8')).toBe('new');
  });

  it('writes into a named pipe in place, never replacing it with a file', async () => {
    const fifo = join(tmp(), 'pipe');
    execFileSync('mkfifo', [fifo]);
    const reader = spawn('cat', [fifo]);
    let got = '';
    reader.stdout.on('data', (d) => (got += d));
    const closed = new Promise((r) => reader.on('close', r));
    write(fifo, '{"report": 1}\n');
    await closed;
    expect(got).toBe('{"report": 1}\n');
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  it('writes into a character device in place (one of its own, made in a temporary folder: never a real /dev entry)', () => {
    const dev = join(tmp(), 'null');
    // a null device of our own needs root (CI and this machine run as root); the pipe above covers the same path otherwise
    try {
      execFileSync('mknod', ['-m', '666', dev, 'c', '1', '3'], { stdio: 'ignore' });
    } catch {
      expect(process.getuid?.()).not.toBe(0); // only a non-root user may be unable to make one
      return;
    }
    write(dev, 'x');
    expect(lstatSync(dev).isCharacterDevice()).toBe(true);
  });
});
