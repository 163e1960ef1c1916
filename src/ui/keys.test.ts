import { describe, expect, it } from 'vitest';
import { initialUiState, reduceKey } from './keys.js';

const services = ['gateway', 'cart', 'payment'];
const press = (input: string, extra: Record<string, boolean> = {}, state = initialUiState) => reduceKey(state, { input, ...extra }, services);

describe('key reducer (pure)', () => {
  it('space pauses, + and - change speed, q and ctrl-c quit', () => {
    expect(press(' ').commands).toEqual([{ type: 'toggle-pause' }]);
    expect(press('+').commands).toEqual([{ type: 'faster' }]);
    expect(press('=').commands).toEqual([{ type: 'faster' }]);
    expect(press('-').commands).toEqual([{ type: 'slower' }]);
    expect(press('q').commands).toEqual([{ type: 'quit' }]);
    expect(press('c', { ctrl: true }).commands).toEqual([{ type: 'quit' }]);
  });

  it('arrows and tab move the selection, wrapping around', () => {
    expect(press('', { downArrow: true }).state.selected).toBe(1);
    expect(press('', { upArrow: true }).state.selected).toBe(2);
    expect(press('', { tab: true }, { ...initialUiState, selected: 2 }).state.selected).toBe(0);
    expect(press('', { tab: true, shift: true }).state.selected).toBe(2);
  });

  it('enter toggles details, ? toggles help, escape closes both; none sends a command', () => {
    const details = press('', { return: true });
    expect(details.state.details).toBe(true);
    expect(details.commands).toEqual([]);
    expect(press('', { return: true }, details.state).state.details).toBe(false);
    const help = press('?');
    expect(help.state.help).toBe(true);
    expect(press('', { escape: true }, { selected: 1, details: true, help: true }).state).toEqual({ selected: 1, details: false, help: false });
  });

  it('what-if keys act on the selected service', () => {
    const at = { ...initialUiState, selected: 2 };
    const intents = Object.fromEntries(['a', 'r', 'k', 's', 'e', 'b', 'l'].map((k) => [k, press(k, {}, at).commands]));
    expect(intents).toEqual({
      a: [{ type: 'intervene', intent: 'add-replica', service: 'payment' }],
      r: [{ type: 'intervene', intent: 'remove-replica', service: 'payment' }],
      k: [{ type: 'intervene', intent: 'kill-replica', service: 'payment' }],
      s: [{ type: 'intervene', intent: 'toggle-slow', service: 'payment' }],
      e: [{ type: 'intervene', intent: 'toggle-errors', service: 'payment' }],
      b: [{ type: 'intervene', intent: 'toggle-breakers', service: 'payment' }],
      l: [{ type: 'intervene', intent: 'double-load', service: 'payment' }],
    });
  });

  it('ignores other keys and never mutates the state it is given', () => {
    const state = Object.freeze({ ...initialUiState });
    expect(press('x', {}, state)).toEqual({ state, commands: [] });
  });
});
