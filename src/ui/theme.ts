// Colours (honouring NO_COLOR and FORCE_COLOR), and text helpers for fixed-width lines: bars, fitting.
import { Chalk, type ChalkInstance } from 'chalk';
import type { Health } from '../run/snapshot.js';

/** Whether to colour: NO_COLOR (non-empty) turns colour off, FORCE_COLOR=0 too; anything else leaves it on. */
export function colorsEnabled(env: Readonly<Record<string, string | undefined>>): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR === '0' || env.FORCE_COLOR === 'false') return false;
  return true;
}

type Paint = (s: string) => string;

export interface Theme {
  readonly colors: boolean;
  health(h: Health): Paint;
  readonly accent: Paint;
  readonly dim: Paint;
  readonly warn: Paint;
  readonly bad: Paint;
  readonly good: Paint;
  readonly bold: Paint;
  readonly inverse: Paint;
}

/** Paint functions; without colour they leave text as it is (bold and inverse stay: they are not colour). */
export function theme(colors: boolean): Theme {
  const chalk: ChalkInstance = new Chalk({ level: colors ? 1 : 0 });
  const plain = new Chalk({ level: 1 });
  const fx = colors ? chalk : plain; // bold/inverse are styles, allowed under NO_COLOR
  return {
    colors,
    health: (h) => (h === 'bad' ? chalk.red : h === 'warn' ? chalk.yellow : chalk.green),
    accent: chalk.cyan,
    dim: chalk.gray,
    warn: chalk.yellow,
    bad: chalk.red,
    good: chalk.green,
    bold: fx.bold,
    inverse: fx.inverse,
  };
}

const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** A horizontal bar `width` cells wide filled to `fraction` (clamped to [0, 1]), with eighth-cell resolution. */
export function bar(fraction: number, width: number): string {
  const f = Number.isFinite(fraction) ? Math.max(0, Math.min(1, fraction)) : 0;
  const eighths = Math.round(f * width * 8);
  const full = Math.floor(eighths / 8);
  const part = EIGHTHS[eighths % 8];
  return ('█'.repeat(full) + part).padEnd(width, '·');
}

const ANSI = /\x1b\[[0-9;]*m/y;

/** Visible length of a line (escape codes take no room; every glyph used here is one cell wide). */
export function visibleLength(s: string): number {
  return s.replace(/\x1b\[[0-9;]*m/g, '').length;
}

/** Cut a coloured line to `width` visible cells (ending in … when cut), keeping its escape codes balanced. */
export function fitWidth(line: string, width: number): string {
  if (visibleLength(line) <= width) return line;
  let out = '';
  let seen = 0;
  let i = 0;
  while (i < line.length) {
    ANSI.lastIndex = i;
    const m = ANSI.exec(line);
    if (m) {
      out += m[0];
      i += m[0].length;
      continue;
    }
    if (seen === width - 1) {
      out += '…';
      break;
    }
    out += line[i++];
    seen++;
  }
  return `${out}\x1b[0m`.replace(/\x1b\[0m$/, line.includes('\x1b[') ? '\x1b[0m' : '');
}
