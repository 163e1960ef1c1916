// Keyboard handling as a pure reducer: (UI state, key) -> (new UI state, commands for the session); a chunk of input is split into keys first.
import type { InterventionIntent } from '../model/interventions.js';
import { HISTORY_METRICS } from '../observe/live-history.js';
import type { SessionCommand } from '../run/live-session.js';

export interface UiState {
  /** Index of the selected service. */
  readonly selected: number;
  /** Details pane of the selected service open (instead of the chart). */
  readonly details: boolean;
  /** Full help shown. */
  readonly help: boolean;
  /** The event log scrolled back: the entries shown end before this index; null follows the newest. */
  readonly logEnd: number | null;
  /** The metric of the table's sparklines, an index into HISTORY_METRICS (m cycles it). */
  readonly metric: number;
  /** The call graph shown instead of the service table (g). */
  readonly graph: boolean;
  /** The latency distribution shown instead of the chart: end to end, or of the selected service (h cycles: off, end to end, service). */
  readonly distribution: 'end-to-end' | 'service' | null;
}

export const initialUiState: UiState = {
  selected: 0,
  details: false,
  help: false,
  logEnd: null,
  metric: 0,
  graph: false,
  distribution: null,
};

/** The parts of a key press the reducer looks at (Ink's useInput gives these). */
export interface KeyPress {
  input: string;
  upArrow?: boolean;
  downArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  tab?: boolean;
  shift?: boolean;
  return?: boolean;
  escape?: boolean;
  ctrl?: boolean;
}

/** What the reducer needs to know of the screen: the event log's length and the lines it has. */
export interface KeyContext {
  readonly logEntries: number;
  readonly logLines: number;
}

/** What-if keys, applied to the selected service. */
export const WHAT_IF_KEYS: Readonly<Record<string, { intent: InterventionIntent; help: string }>> = {
  a: { intent: 'add-replica', help: 'add a replica' },
  r: { intent: 'remove-replica', help: 'remove a replica (it drains)' },
  k: { intent: 'kill-replica', help: 'kill a replica: requests fail' },
  s: { intent: 'toggle-slow', help: 'slow it: CPU x3 (again: undo)' },
  e: { intent: 'toggle-errors', help: '20% errors (again: undo)' },
  b: { intent: 'toggle-breakers', help: 'toggle its circuit breakers' },
  l: { intent: 'double-load', help: 'double the load reaching it' },
  f: { intent: 'flush-caches', help: 'flush its caches: cold start' },
  c: { intent: 'toggle-consumers', help: 'stop consuming (again: undo)' },
};

/** The dashboard's other keys, as the help shows them (and msim run --help). */
export const GENERAL_KEYS: [string, string][] = [
  ['space', 'pause / resume'],
  ['+ -', 'faster / slower, up to max'],
  ['↑ ↓ tab', 'select a service'],
  ['enter', 'details (again: the chart)'],
  ['[ ]', 'older / newer log (pg up/dn)'],
  ['w', 'export: time series to a CSV'],
  ['m', 'sparklines: next metric'],
  ['g', 'call graph (again: the table)'],
  ['h', 'heatmap: e2e, service, off'],
];
export const CLOSING_KEYS: [string, string][] = [
  ['? esc', 'close this help'],
  ['q ctrl-c', 'quit: summary, --json'],
];

/** The what-if keys in one word, for the key line. */
export const WHAT_IF_LETTERS = Object.keys(WHAT_IF_KEYS).join('');

export interface KeyResult {
  state: UiState;
  commands: SessionCommand[];
}

const NO_LOG: KeyContext = { logEntries: 0, logLines: 1 };

/** The log window after scrolling `by` entries (negative: older), kept full; null when it reaches the newest. */
export function scrollLog(logEnd: number | null, by: number, view: KeyContext): number | null {
  const { logEntries: n, logLines } = view;
  if (n <= logLines) return null;
  const end = Math.max(logLines, Math.min(n, (logEnd ?? n) + by));
  return end >= n ? null : end;
}

export function reduceKey(state: UiState, key: KeyPress, services: readonly string[], view: KeyContext = NO_LOG): KeyResult {
  const n = services.length;
  const none = (s: UiState = state): KeyResult => ({ state: s, commands: [] });
  const cmd = (...commands: SessionCommand[]): KeyResult => ({ state, commands });

  if ((key.ctrl && key.input === 'c') || key.input === 'q') return cmd({ type: 'quit' });
  if (key.ctrl) return none(); // ctrl-a is not a
  if (key.escape) return none({ ...state, help: false, details: false });
  if (key.input === '?') return none({ ...state, help: !state.help });
  if (key.input === ' ') return cmd({ type: 'toggle-pause' });
  if (key.input === '+' || key.input === '=') return cmd({ type: 'faster' });
  if (key.input === '-' || key.input === '_') return cmd({ type: 'slower' });
  if (key.input === '[' || key.pageUp) return none({ ...state, logEnd: scrollLog(state.logEnd, key.pageUp ? -view.logLines : -1, view) });
  if (key.input === ']' || key.pageDown) return none({ ...state, logEnd: scrollLog(state.logEnd, key.pageDown ? view.logLines : 1, view) });
  if (n > 0 && (key.downArrow || (key.tab && !key.shift))) return none({ ...state, selected: (state.selected + 1) % n });
  if (n > 0 && (key.upArrow || (key.tab && key.shift))) return none({ ...state, selected: (state.selected - 1 + n) % n });
  if (key.return) return none({ ...state, details: !state.details, help: false });
  if (key.input === 'w') return cmd({ type: 'export' });
  if (key.input === 'm') return none({ ...state, metric: ((state.metric ?? 0) + 1) % HISTORY_METRICS.length });
  if (key.input === 'g') return none({ ...state, graph: !state.graph });
  if (key.input === 'h') {
    const next = state.distribution === null ? 'end-to-end' : state.distribution === 'end-to-end' ? 'service' : null;
    return none({ ...state, distribution: next, details: false, help: false });
  }
  const whatIf = WHAT_IF_KEYS[key.input];
  if (whatIf && n > 0) return cmd({ type: 'intervene', intent: whatIf.intent, service: services[Math.min(state.selected, n - 1)] });
  return none();
}

/** Fold the reducer over several keys (a chunk read at once): the state threads through, the commands add up in order. */
export function reduceKeys(state: UiState, keys: readonly KeyPress[], services: readonly string[], view: KeyContext = NO_LOG): KeyResult {
  const commands: SessionCommand[] = [];
  for (const key of keys) {
    const r = reduceKey(state, key, services, view);
    state = r.state;
    commands.push(...r.commands);
  }
  return { state, commands };
}

/** CSI and SS3 finals (and `n~` codes) of the keys the dashboard uses; other sequences are skipped. */
const SEQUENCES: Readonly<Record<string, Omit<KeyPress, 'input'>>> = {
  A: { upArrow: true },
  B: { downArrow: true },
  Z: { tab: true, shift: true },
  '5~': { pageUp: true },
  '6~': { pageDown: true },
};

/**
 * Split raw terminal input into key presses: printable characters one by one,
 * CR/LF, tab, ctrl-c and escape sequences (arrows, page up/down, shift-tab;
 * others are skipped whole). A lone ESC, or one followed by something that is
 * not a sequence, is the escape key.
 */
export function parseKeys(chunk: string): KeyPress[] {
  const keys: KeyPress[] = [];
  let i = 0;
  while (i < chunk.length) {
    const ch = chunk[i];
    if (ch === '\x1b') {
      const intro = chunk[i + 1];
      if (intro === '[' || intro === 'O') {
        // parameters and intermediates, then one final byte
        let j = i + 2;
        while (j < chunk.length && chunk.charCodeAt(j) >= 0x20 && chunk.charCodeAt(j) <= 0x3f) j++;
        if (j < chunk.length && chunk.charCodeAt(j) >= 0x40 && chunk.charCodeAt(j) <= 0x7e) {
          const body = chunk.slice(i + 2, j + 1).replace(/^1;\d+(?=[A-Z])/, ''); // modifiers on arrows: same key
          const known = SEQUENCES[body];
          if (known) keys.push({ input: '', ...known });
          i = j + 1;
          continue;
        }
      }
      keys.push({ input: '', escape: true });
      i++;
      continue;
    }
    if (ch === '\r' || ch === '\n') keys.push({ input: '', return: true });
    else if (ch === '\t') keys.push({ input: '', tab: true });
    else if (ch === '\x03') keys.push({ input: 'c', ctrl: true });
    else if (ch >= ' ' && ch !== '\x7f') {
      const cp = chunk.codePointAt(i)!;
      const text = String.fromCodePoint(cp);
      keys.push({ input: text });
      i += text.length;
      continue;
    }
    i++;
  }
  return keys;
}

/** The parts of Ink's `key` object used here. */
export interface InkKey {
  upArrow: boolean;
  downArrow: boolean;
  pageUp: boolean;
  pageDown: boolean;
  tab: boolean;
  shift: boolean;
  return: boolean;
  escape: boolean;
  ctrl: boolean;
}

/**
 * The keys in one call of Ink's useInput handler: a named key (arrow, enter,
 * escape...) comes alone with an empty `input`; anything else is the text of
 * the whole chunk read (`aa`, `++`, a paste), parsed key by key.
 */
export function keysFromInk(input: string, key: InkKey): KeyPress[] {
  if (input === '' || (key.ctrl && input.length === 1)) {
    return [
      {
        input,
        upArrow: key.upArrow,
        downArrow: key.downArrow,
        pageUp: key.pageUp,
        pageDown: key.pageDown,
        tab: key.tab,
        shift: key.shift,
        return: key.return,
        escape: key.escape,
        ctrl: key.ctrl,
      },
    ];
  }
  return parseKeys(input);
}
