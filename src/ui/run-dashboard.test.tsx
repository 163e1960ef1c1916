import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { LiveSession } from '../run/live-session.js';
import type { Snapshot } from '../run/snapshot.js';
import { loadScenarioText } from '../scenario/load.js';
import { type TerminalStreams, describeError, runDashboard } from './run-dashboard.js';
import { ENTER_ALT_SCREEN, LEAVE_ALT_SCREEN, isOnAltScreen } from './terminal.js';

/** A terminal of 80x24 in memory: what was written, and keys to send. */
function fakeTerminal() {
  const stdout = Object.assign(new EventEmitter(), {
    isTTY: true,
    columns: 80,
    rows: 24,
    written: '',
    write(s: string) {
      stdout.written += s;
      return true;
    },
  });
  let pending: string | null = null;
  const stdin = Object.assign(new EventEmitter(), {
    isTTY: true,
    rawMode: false,
    setRawMode(on: boolean) {
      stdin.rawMode = on;
    },
    setEncoding() {},
    resume() {},
    pause() {},
    ref() {},
    unref() {},
    read() {
      const d = pending;
      pending = null;
      return d;
    },
    press(keys: string) {
      pending = keys;
      stdin.emit('readable');
    },
  });
  let trapped: ((err: unknown) => void) | null = null;
  const streams = {
    stdout,
    stdin,
    trapErrors: (fn: (err: unknown) => void) => {
      trapped = fn;
      return () => {
        trapped = null;
      };
    },
  } as unknown as TerminalStreams;
  return { streams, stdout, stdin, throwOutside: (err: Error) => trapped?.(err) };
}

const SCENARIO =
  'name: t\nduration: 30s\nwarmup: 1s\nworkloads: [{ name: w, to: s, arrivals: poisson(50/s) }]\nservices:\n  s: { cpu: exp(mean=5ms) }\n';
const waitFor = async (ok: () => boolean) => {
  for (let i = 0; i < 400 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
};

describe('runDashboard: an error in the view stops the run and still gives the report, with the terminal restored', () => {
  it('an error while drawing', async () => {
    const t = fakeTerminal();
    const session = new LiveSession(loadScenarioText(SCENARIO, 't.yaml'), { speed: 20 });
    const subscribe = session.subscribe.bind(session);
    // a snapshot the view cannot draw, once the run is 2 simulated seconds in
    session.subscribe = (fn) => subscribe((s) => fn(s.simMs > 2000 ? ({ ...s, series: null } as unknown as Snapshot) : s));
    const { report, error } = await runDashboard(session, t.streams, false);
    expect(error).toBeInstanceOf(TypeError);
    expect(describeError(error!)).toMatch(/^TypeError: .* at chart/);
    expect(report.simulatedSeconds).toBeGreaterThan(2);
    expect(report.simulatedSeconds).toBeLessThan(30);
    expect(t.stdin.rawMode).toBe(false);
    expect(isOnAltScreen()).toBe(false);
    expect(t.stdout.written.startsWith(ENTER_ALT_SCREEN)).toBe(true);
    expect(t.stdout.written.split(LEAVE_ALT_SCREEN)).toHaveLength(2); // left once
    expect(t.stdout.written.slice(t.stdout.written.lastIndexOf(LEAVE_ALT_SCREEN))).not.toMatch(/msim t/); // nothing drawn after
  }, 20_000);

  it('an error in a key handler, and one thrown outside React (Ink timers)', async () => {
    for (const how of ['key', 'outside'] as const) {
      const t = fakeTerminal();
      const session = new LiveSession(loadScenarioText(SCENARIO, 't.yaml'), { speed: 20 });
      session.command = () => {
        throw new RangeError('boom');
      };
      const outcome = runDashboard(session, t.streams, false);
      await waitFor(() => session.latest.simMs > 1000 && t.stdin.rawMode);
      if (how === 'key') t.stdin.press('a');
      else t.throwOutside(new RangeError('boom'));
      const { report, error } = await outcome;
      expect(error?.message, how).toBe('boom');
      expect(report.simulatedSeconds).toBeLessThan(30);
      expect(t.stdin.rawMode).toBe(false);
      expect(t.stdout.written.split(LEAVE_ALT_SCREEN)).toHaveLength(2);
    }
  }, 20_000);

  it('a run that ends normally has no error', async () => {
    const t = fakeTerminal();
    const session = new LiveSession(loadScenarioText(SCENARIO.replace('30s', '2s'), 't.yaml'), { speed: 'max' });
    const { report, error } = await runDashboard(session, t.streams, false);
    expect(error).toBeNull();
    expect(report.simulatedSeconds).toBe(2);
    expect(t.stdout.written.split(LEAVE_ALT_SCREEN)).toHaveLength(2);
  }, 20_000);
});
