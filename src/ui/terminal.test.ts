import { describe, expect, it } from 'vitest';
import { ENTER_ALT_SCREEN, LEAVE_ALT_SCREEN, enterAltScreen, isOnAltScreen, leaveAltScreen } from './terminal.js';

describe('alternate screen', () => {
  it('is entered and left once each, however often asked (the exit handler asks again after the dashboard closed)', () => {
    let out = '';
    const stream = { write: (s: string) => (out += s) };
    leaveAltScreen();
    expect(out).toBe('');
    enterAltScreen(stream);
    enterAltScreen(stream);
    expect(isOnAltScreen()).toBe(true);
    leaveAltScreen();
    out += 'summary';
    leaveAltScreen();
    expect(isOnAltScreen()).toBe(false);
    expect(out).toBe(`${ENTER_ALT_SCREEN}${LEAVE_ALT_SCREEN}\x1b[?25hsummary`);
  });
});
