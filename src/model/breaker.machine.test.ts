// Each preset reproduces its library's documented transitions, on the pure transition() function.
import { describe, expect, it } from 'vitest';
import { getInitialSnapshot, transition } from 'xstate';
import { BREAKER_PRESETS, type BreakerConfig, type BreakerEvent, createBreakerMachine } from './breaker.machine.js';

/** Drive a machine through events; return the state after each. */
function drive(config: BreakerConfig, events: BreakerEvent[]): string[] {
  const machine = createBreakerMachine(config);
  let snap = getInitialSnapshot(machine);
  return events.map((e) => {
    [snap] = transition(machine, snap, e);
    return String(snap.value);
  });
}
const ok = (atMs: number, durationMs = 1): BreakerEvent => ({ type: 'RESULT', failed: false, durationMs, atMs });
const fail = (atMs: number): BreakerEvent => ({ type: 'RESULT', failed: true, durationMs: 1, atMs });
const times = (n: number, f: (i: number) => BreakerEvent) => Array.from({ length: n }, (_, i) => f(i));

describe('breaker presets (pure statechart)', () => {
  it('hystrix: opens at 50% errors once 20 requests are in the 10 s window; one probe decides', () => {
    const h = BREAKER_PRESETS.hystrix;
    // 19 failures: under the volume threshold, stays closed; the 20th (100% errors) opens
    expect(
      drive(
        h,
        times(20, (i) => fail(i * 10)),
      ).slice(-2),
    ).toEqual(['closed', 'open']);
    // 10 ok + 10 failed = 50%: opens on the 20th
    expect(drive(h, [...times(10, (i) => ok(i)), ...times(10, (i) => fail(100 + i))]).at(-1)).toBe('open');
    // 11 ok + 9 failed = 45%: stays closed
    expect(drive(h, [...times(11, (i) => ok(i)), ...times(9, (i) => fail(100 + i))]).at(-1)).toBe('closed');
    // failures older than 10 s leave the window
    expect(drive(h, [...times(10, (i) => fail(i)), ...times(10, (i) => ok(20_000 + i))]).at(-1)).toBe('closed');
    // open -> (5 s) half-open -> a failed probe reopens; a successful one closes
    const open = times(20, (i) => fail(i));
    expect(drive(h, [...open, { type: 'OPEN_ELAPSED' }, { type: 'PROBE' }, fail(6000)]).slice(-3)).toEqual([
      'halfOpen',
      'halfOpen',
      'open',
    ]);
    expect(drive(h, [...open, { type: 'OPEN_ELAPSED' }, { type: 'PROBE' }, ok(6000)]).slice(-1)).toEqual(['closed']);
  });

  it('resilience4j: count window of 100, minimum 100 calls, 50%; 10 half-open calls judged together', () => {
    const r = BREAKER_PRESETS.resilience4j;
    expect(
      drive(
        r,
        times(99, (i) => fail(i)),
      ).at(-1),
    ).toBe('closed'); // fewer than 100 calls
    expect(
      drive(
        r,
        times(100, (i) => fail(i)),
      ).at(-1),
    ).toBe('open');
    // exactly 50% at the 100th call opens it ("equal or greater"); 49% does not, and the window slides on
    expect(drive(r, [...times(50, (i) => fail(i)), ...times(50, (i) => ok(100 + i))]).at(-1)).toBe('open');
    expect(drive(r, [...times(49, (i) => fail(i)), ...times(100, (i) => ok(100 + i))]).at(-1)).toBe('closed');
    const opened = [
      ...times(100, (i) => fail(i)),
      { type: 'OPEN_ELAPSED' } as BreakerEvent,
      ...times(10, () => ({ type: 'PROBE' }) as BreakerEvent),
    ];
    // 5 of 10 probes fail: 50% -> open again; 4 of 10: closed
    expect(drive(r, [...opened, ...times(5, (i) => fail(1000 + i)), ...times(5, (i) => ok(2000 + i))]).slice(-6)).toEqual([
      'halfOpen',
      'halfOpen',
      'halfOpen',
      'halfOpen',
      'halfOpen',
      'open',
    ]);
    expect(drive(r, [...opened, ...times(4, (i) => fail(1000 + i)), ...times(6, (i) => ok(2000 + i))]).at(-1)).toBe('closed');
    // slow calls: 100% of calls slower than 60 s opens it
    expect(
      drive(
        r,
        times(100, (i) => ok(i, 61_000)),
      ).at(-1),
    ).toBe('open');
  });

  it('polly: 10% failures over 30 s with at least 100 calls', () => {
    const p = BREAKER_PRESETS.polly;
    expect(drive(p, [...times(90, (i) => ok(i)), ...times(10, (i) => fail(100 + i))]).at(-1)).toBe('open');
    expect(drive(p, [...times(91, (i) => ok(i)), ...times(9, (i) => fail(100 + i))]).at(-1)).toBe('closed');
  });

  it('opossum: no minimum volume, so one failure in an empty window opens it', () => {
    expect(drive(BREAKER_PRESETS.opossum, [fail(0)])).toEqual(['open']);
    expect(drive(BREAKER_PRESETS.opossum, [ok(0), fail(1)]).at(-1)).toBe('open'); // 50%
    expect(drive(BREAKER_PRESETS.opossum, [ok(0), ok(1), fail(2)]).at(-1)).toBe('closed'); // 33%
  });

  it('lets exactly the permitted probes through in half-open', () => {
    const machine = createBreakerMachine({ ...BREAKER_PRESETS.resilience4j, halfOpenCalls: 3 });
    let snap = getInitialSnapshot(machine);
    for (const e of [...times(100, (i) => fail(i)), { type: 'OPEN_ELAPSED' } as BreakerEvent]) [snap] = transition(machine, snap, e);
    for (let i = 0; i < 5; i++) [snap] = transition(machine, snap, { type: 'PROBE' });
    expect(snap.context.probes).toBe(3);
  });
});
