// The one-line key help, and the full help shown by `?`.
import { Text } from 'ink';
import { CLOSING_KEYS, GENERAL_KEYS, WHAT_IF_KEYS, WHAT_IF_LETTERS } from '../keys.js';
import { type Theme, fitWidth, visibleLength } from '../theme.js';

const KEYS: [string, string][] = [
  ['space', 'pause'],
  ['+-', 'speed'],
  ['↑↓', 'select'],
  ['⏎', 'details'],
  [WHAT_IF_LETTERS, 'what-ifs'],
  ['?', 'help'],
  ['q', 'quit'],
  ['mgh', 'views'],
];

/** Keys shown on the key line only when they fit whole (the help lists them all). */
const OPTIONAL_KEYS = 1;

export function helpLine(t: Theme, width: number): string {
  const item = ([k, what]: [string, string]) => `${t.bold(t.accent(k))} ${t.dim(what)}`;
  const required = KEYS.slice(0, KEYS.length - OPTIONAL_KEYS)
    .map(item)
    .join('  ');
  let line = required;
  for (const extra of KEYS.slice(KEYS.length - OPTIONAL_KEYS)) {
    const longer = `${line}  ${item(extra)}`;
    if (visibleLength(longer) <= width) line = longer;
  }
  return fitWidth(line, width);
}

/**
 * The full help: one key a line when the panel is tall enough, else two a
 * line (side by side, each half the width), so that every key shows at 80x24.
 */
export function helpPaneLines(t: Theme, width: number, height: number): string[] {
  const whatIfs = Object.entries(WHAT_IF_KEYS).map(([k, v]): [string, string] => [k, v.help]);
  const row = ([k, v]: [string, string], keyWidth: number) => `${t.bold(t.accent(k.padStart(keyWidth)))}  ${v}`;
  const oneColumn = [...GENERAL_KEYS, ...whatIfs, ...CLOSING_KEYS].length + 2 <= height || width < 70;
  const block = (rows: [string, string][]): string[] => {
    if (oneColumn) return rows.map((r) => fitWidth(row(r, 9), width));
    const half = Math.floor(width / 2);
    const out: string[] = [];
    for (let i = 0; i < rows.length; i += 2) {
      const left = fitWidth(row(rows[i], 8), half - 1);
      out.push(fitWidth(rows[i + 1] ? `${left}${' '.repeat(Math.max(1, half - visibleLength(left)))}${row(rows[i + 1], 8)}` : left, width));
    }
    return out;
  };
  const lines = [
    t.bold('keys'),
    ...block(GENERAL_KEYS),
    t.bold('what-ifs on the selected service: now, in the log and in the report'),
    ...block(whatIfs),
    ...block(CLOSING_KEYS),
  ];
  return lines.slice(0, height).map((l) => fitWidth(l, width));
}

export function HelpLine({ theme, width }: { theme: Theme; width: number }) {
  return <Text>{helpLine(theme, width)}</Text>;
}

export function HelpPane({ theme, width, height }: { theme: Theme; width: number; height: number }) {
  return <Text>{helpPaneLines(theme, width, height).join('\n')}</Text>;
}
