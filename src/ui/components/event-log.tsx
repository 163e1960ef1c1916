// The event log: interventions and what happened, newest last.
import { Text } from 'ink';
import type { LogEntry } from '../../run/run.js';
import { WHAT_IF_LETTERS } from '../keys.js';
import { type Theme, fit } from '../theme.js';

export function logLines(entries: readonly LogEntry[], t: Theme, width: number, lines: number): string[] {
  if (entries.length === 0) return [t.dim(`  no events yet: try a what-if on the selected service (${WHAT_IF_LETTERS.split('').join(' ')})`)];
  return entries.slice(-lines).map((e) => {
    const text = e.kind === 'refused' ? t.warn(e.text) : e.kind === 'intervention' ? t.accent(e.text) : e.text;
    return fit(`${t.dim(`${(e.atMs / 1000).toFixed(1)}s`.padStart(8))}  ${text}`, width);
  });
}

export function EventLog(props: { entries: readonly LogEntry[]; theme: Theme; width: number; lines: number }) {
  return <Text>{logLines(props.entries, props.theme, props.width, props.lines).join('\n')}</Text>;
}
