// The event log: interventions and what happened, newest last; it follows the newest, or shows an older window ([ and ]).
import { Text } from 'ink';
import type { LogEntry } from '../../run/run.js';
import { WHAT_IF_LETTERS } from '../keys.js';
import { type Theme, fitWidth, visibleLength } from '../theme.js';

/** The entries shown of `count` in `lines` lines, the window ending before `end` (null: the newest); how many are hidden either side. */
export function logWindow(count: number, lines: number, end: number | null): { first: number; last: number; older: number; newer: number } {
  const last = Math.max(0, Math.min(count, end ?? count));
  const first = Math.max(0, last - Math.max(0, lines));
  const fill = Math.min(count, first + Math.max(0, lines)); // a window near the start stays full
  return { first, last: Math.max(last, fill), older: first, newer: count - Math.max(last, fill) };
}

/** `line` cut to leave room for `note` at the right edge, then the note. */
function withNote(line: string, note: string, width: number): string {
  if (note === '' || visibleLength(note) + 12 > width) return fitWidth(line, width);
  const room = width - visibleLength(note) - 1;
  const left = fitWidth(line, room);
  return `${left}${' '.repeat(Math.max(1, width - visibleLength(left) - visibleLength(note)))}${note}`;
}

export function logLines(entries: readonly LogEntry[], t: Theme, width: number, lines: number, end: number | null = null): string[] {
  if (lines <= 0) return [];
  if (entries.length === 0)
    return [fitWidth(t.dim(`  no events yet: try a what-if on the selected service (${WHAT_IF_LETTERS.split('').join(' ')})`), width)];
  const win = logWindow(entries.length, lines, end);
  const out = entries.slice(win.first, win.last).map((e) => {
    const text = e.kind === 'refused' ? t.warn(e.text) : e.kind === 'intervention' ? t.accent(e.text) : e.text;
    return `${t.dim(`${(e.atMs / 1000).toFixed(1)}s`.padStart(8))}  ${text}`;
  });
  return out.map((line, i) => {
    const notes: string[] = [];
    if (i === 0 && win.older > 0) notes.push(`↑ ${win.older} older [`);
    if (i === out.length - 1 && win.newer > 0) notes.push(`↓ ${win.newer} newer ]`);
    return withNote(line, notes.length > 0 ? t.dim(notes.join(' ')) : '', width);
  });
}

export function EventLog(props: { entries: readonly LogEntry[]; theme: Theme; width: number; lines: number; end?: number | null }) {
  return <Text>{logLines(props.entries, props.theme, props.width, props.lines, props.end ?? null).join('\n')}</Text>;
}
