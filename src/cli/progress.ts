// A progress line on stderr: redrawn in place on a terminal, printed every few seconds in a log; with an ETA.
import { performance } from 'node:perf_hooks';
import type { CliIo } from './io.js';

const TTY_EVERY_MS = 100;
const PLAIN_EVERY_MS = 5000;
const BAR = 20;

/** `3.2s`, `4m05s`, `2h10m` */
export function formatWallSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** `sweep: [████████            ] 40/100 runs, 12s, about 18s left` */
export function progressBar(what: string, done: number, total: number, elapsedS: number, unit = 'runs'): string {
  const filled = total > 0 ? Math.round((done / total) * BAR) : 0;
  const eta = done > 0 && done < total ? `, about ${formatWallSeconds((elapsedS / done) * (total - done))} left` : '';
  return `${what}: [${'█'.repeat(filled)}${' '.repeat(BAR - filled)}] ${done}/${total} ${unit}, ${formatWallSeconds(elapsedS)}${eta}`;
}

/** A reporter of `done of total`: call it as work ends; `end()` clears the line on a terminal. */
export function progressReporter(io: CliIo, what: string, unit = 'runs'): { update(done: number, total: number): void; end(): void } {
  const tty = Boolean(io.stderr.isTTY) && !io.env.CI;
  const start = performance.now();
  // in a log the first line comes after a few seconds: a short job prints none
  let last = tty ? -Infinity : start;
  let drawn = false;
  return {
    update(done, total) {
      const now = performance.now();
      if (now - last < (tty ? TTY_EVERY_MS : PLAIN_EVERY_MS) && (done < total || (!tty && !drawn))) return;
      last = now;
      const line = progressBar(what, done, total, (now - start) / 1000, unit);
      io.stderr.write(tty ? `\r\x1b[2K${line}` : `${line}\n`);
      drawn = true;
    },
    end() {
      if (tty && drawn) io.stderr.write('\r\x1b[2K');
    },
  };
}
