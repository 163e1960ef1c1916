// Keyboard handling as a pure reducer: (UI state, key) -> (new UI state, commands for the session).
import type { InterventionIntent } from '../model/interventions.js';
import type { SessionCommand } from '../run/live-session.js';

export interface UiState {
  /** Index of the selected service. */
  readonly selected: number;
  /** Details pane of the selected service open (instead of the chart). */
  readonly details: boolean;
  /** Full help shown. */
  readonly help: boolean;
}

export const initialUiState: UiState = { selected: 0, details: false, help: false };

/** The parts of a key press the reducer looks at (Ink's useInput gives these). */
export interface KeyPress {
  input: string;
  upArrow?: boolean;
  downArrow?: boolean;
  tab?: boolean;
  shift?: boolean;
  return?: boolean;
  escape?: boolean;
  ctrl?: boolean;
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
};

/** The what-if keys in one word, for the key line. */
export const WHAT_IF_LETTERS = Object.keys(WHAT_IF_KEYS).join('');

export interface KeyResult {
  state: UiState;
  commands: SessionCommand[];
}

export function reduceKey(state: UiState, key: KeyPress, services: readonly string[]): KeyResult {
  const n = services.length;
  const none = (s: UiState = state): KeyResult => ({ state: s, commands: [] });
  const cmd = (...commands: SessionCommand[]): KeyResult => ({ state, commands });

  if ((key.ctrl && key.input === 'c') || key.input === 'q') return cmd({ type: 'quit' });
  if (key.escape) return none({ ...state, help: false, details: false });
  if (key.input === '?') return none({ ...state, help: !state.help });
  if (key.input === ' ') return cmd({ type: 'toggle-pause' });
  if (key.input === '+' || key.input === '=') return cmd({ type: 'faster' });
  if (key.input === '-' || key.input === '_') return cmd({ type: 'slower' });
  if (n > 0 && (key.downArrow || (key.tab && !key.shift))) return none({ ...state, selected: (state.selected + 1) % n });
  if (n > 0 && (key.upArrow || (key.tab && key.shift))) return none({ ...state, selected: (state.selected - 1 + n) % n });
  if (key.return) return none({ ...state, details: !state.details, help: false });
  const whatIf = WHAT_IF_KEYS[key.input];
  if (whatIf && n > 0) return cmd({ type: 'intervene', intent: whatIf.intent, service: services[Math.min(state.selected, n - 1)] });
  return none();
}
