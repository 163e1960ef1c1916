import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type KeyPress, type UiState, initialUiState, keysFromInk, parseKeys, reduceKey, reduceKeys, scrollLog } from './keys.js';

const services = ['gateway', 'cart', 'payment'];
const press = (input: string, extra: Record<string, boolean> = {}, state = initialUiState) =>
  reduceKey(state, { input, ...extra }, services);

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
    expect(press('', { escape: true }, { ...initialUiState, selected: 1, details: true, help: true }).state).toEqual({
      ...initialUiState,
      selected: 1,
      details: false,
      help: false,
    });
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

  it('w asks the session to export (the time series so far), the state unchanged', () => {
    const state = Object.freeze({ ...initialUiState, selected: 1 });
    expect(press('w', {}, state)).toEqual({ state, commands: [{ type: 'export' }] });
  });

  it('ignores other keys and never mutates the state it is given', () => {
    const state = Object.freeze({ ...initialUiState });
    expect(press('x', {}, state)).toEqual({ state, commands: [] });
  });
});

describe('a chunk of keys read at once', () => {
  const view = { logEntries: 0, logLines: 3 };

  it('splits text, control characters and escape sequences into key presses', () => {
    expect(parseKeys('aa')).toEqual([{ input: 'a' }, { input: 'a' }]);
    expect(parseKeys('++')).toEqual([{ input: '+' }, { input: '+' }]);
    expect(parseKeys('\x1b[B\x1b[B\x1b[B\x1b[B')).toEqual(Array(4).fill({ input: '', downArrow: true }));
    expect(parseKeys('\x1bOA\x1b[1;2A')).toEqual([
      { input: '', upArrow: true },
      { input: '', upArrow: true },
    ]);
    expect(parseKeys('a\r\tk\x03')).toEqual([
      { input: 'a' },
      { input: '', return: true },
      { input: '', tab: true },
      { input: 'k' },
      { input: 'c', ctrl: true },
    ]);
    expect(parseKeys('\x1b[Z\x1b[5~\x1b[6~')).toEqual([
      { input: '', tab: true, shift: true },
      { input: '', pageUp: true },
      { input: '', pageDown: true },
    ]);
    expect(parseKeys('\x1b')).toEqual([{ input: '', escape: true }]);
    expect(parseKeys('\x1ba')).toEqual([{ input: '', escape: true }, { input: 'a' }]);
    expect(parseKeys('\x1b[15~x\x7f')).toEqual([{ input: 'x' }]); // F5 and backspace: not ours, skipped whole
  });

  it('takes a named key from Ink as it is, and parses a chunk of text key by key', () => {
    const flags = {
      upArrow: false,
      downArrow: false,
      pageUp: false,
      pageDown: false,
      tab: false,
      shift: false,
      return: false,
      escape: false,
      ctrl: false,
    };
    expect(keysFromInk('', { ...flags, downArrow: true })).toEqual([{ input: '', ...flags, downArrow: true }]);
    expect(keysFromInk('c', { ...flags, ctrl: true })).toEqual([{ input: 'c', ...flags, ctrl: true }]);
    expect(keysFromInk('aa', flags)).toEqual([{ input: 'a' }, { input: 'a' }]);
    expect(keysFromInk('\r\r', flags)).toEqual([
      { input: '', return: true },
      { input: '', return: true },
    ]);
  });

  it('folds the reducer over the keys: the same as pressing them one at a time (property)', () => {
    const key = fc.constantFrom(
      'a',
      'k',
      '+',
      '-',
      ' ',
      '?',
      '[',
      ']',
      '\r',
      '\t',
      '\x1b[A',
      '\x1b[B',
      '\x1b[Z',
      '\x1b[5~',
      '\x1b[6~',
      'x',
      'q',
    );
    fc.assert(
      fc.property(fc.array(key, { maxLength: 12 }), fc.integer({ min: 0, max: 40 }), (typed, entries) => {
        const v = { logEntries: entries, logLines: 3 };
        const together = reduceKeys(initialUiState, parseKeys(typed.join('')), services, v);
        let state = initialUiState;
        const commands: unknown[] = [];
        for (const k of typed) {
          const r = reduceKeys(state, parseKeys(k), services, v);
          state = r.state;
          commands.push(...r.commands);
        }
        expect(together).toEqual({ state, commands });
      }),
    );
    const two = reduceKeys(initialUiState, parseKeys('aa'), services, view);
    expect(two.commands).toEqual([
      { type: 'intervene', intent: 'add-replica', service: 'gateway' },
      { type: 'intervene', intent: 'add-replica', service: 'gateway' },
    ]);
    expect(reduceKeys(initialUiState, parseKeys('\x1b[B\x1b[B\x1b[B\x1b[B'), services, view).state.selected).toBe(1); // 4 downs over 3 services
  });

  it('ctrl with another letter is not that letter', () => {
    expect(press('a', { ctrl: true }).commands).toEqual([]);
  });
});

describe('event log scrolling', () => {
  const view = { logEntries: 10, logLines: 3 };
  it('[ and page up go back (a line, a page), ] and page down forward; the window stays full; the end follows the newest again', () => {
    const back = (s: UiState, k: KeyPress) => reduceKey(s, k, services, view).state;
    let s = back(initialUiState, { input: '[' });
    expect(s.logEnd).toBe(9);
    s = back(s, { input: '', pageUp: true });
    expect(s.logEnd).toBe(6);
    s = back(s, { input: '', pageUp: true });
    s = back(s, { input: '', pageUp: true });
    expect(s.logEnd).toBe(3); // the oldest three
    s = back(s, { input: ']' });
    expect(s.logEnd).toBe(4);
    s = back(s, { input: '', pageDown: true });
    s = back(s, { input: '', pageDown: true });
    expect(s.logEnd).toBeNull();
    expect(scrollLog(null, -1, { logEntries: 3, logLines: 3 })).toBeNull(); // everything shows: nothing to scroll
  });
});
