// The one-line key help, and the full help shown by `?`.
import { Text } from 'ink';
import { WHAT_IF_KEYS } from '../keys.js';
import { type Theme, fit } from '../theme.js';

const KEYS: [string, string][] = [['space', 'pause'], ['+-', 'speed'], ['↑↓', 'select'], ['⏎', 'details'], ['arksebl', 'what-ifs'], ['?', 'help'], ['q', 'quit']];

export function helpLine(t: Theme, width: number): string {
  return fit(KEYS.map(([k, what]) => `${t.bold(t.accent(k))} ${t.dim(what)}`).join('  '), width);
}

export function helpPaneLines(t: Theme, width: number, height: number): string[] {
  const rows: [string, string][] = [
    ['space', 'pause / resume'],
    ['+ -', 'faster / slower (0.1x ... 1000x, max)'],
    ['↑ ↓ tab', 'select a service'],
    ['enter', 'details of the selected service (enter again: the chart)'],
    ...Object.entries(WHAT_IF_KEYS).map(([k, v]): [string, string] => [k, `${v.help}, on the selected service`]),
    ['? esc', 'close this help'],
    ['q ctrl-c', 'quit: the summary is printed and --json is written'],
  ];
  const lines = [t.bold('keys (what-ifs take effect now, and appear in the log and the report)'), ...rows.map(([k, v]) => `${t.bold(t.accent(k.padStart(9)))}  ${v}`)];
  return lines.slice(0, height).map((l) => fit(l, width));
}

export function HelpLine({ theme, width }: { theme: Theme; width: number }) {
  return <Text>{helpLine(theme, width)}</Text>;
}

export function HelpPane({ theme, width, height }: { theme: Theme; width: number; height: number }) {
  return <Text>{helpPaneLines(theme, width, height).join('\n')}</Text>;
}
