// The breaker (its statechart, and the driver that feeds it only state-changing events) against the list-based original.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getInitialSnapshot, transition } from 'xstate';
import { FAILED, OutcomeWindow, SLOW } from './breaker-window.js';
import { BreakerCore } from './breaker.js';
import { BREAKER_PRESETS, type BreakerConfig, type BreakerEvent, createBreakerMachine } from './breaker.machine.js';

// ---- the reference: the breaker as it was, every outcome of the window kept in a list ----

interface Outcome {
  atMs: number;
  failed: boolean;
  slow: boolean;
}
type RefState = { value: 'closed' | 'open' | 'halfOpen'; outcomes: readonly Outcome[]; probes: number };
type Result = Extract<BreakerEvent, { type: 'RESULT' }>;

function record(c: BreakerConfig, outcomes: readonly Outcome[], e: Result): Outcome[] {
  const o = { atMs: e.atMs, failed: e.failed, slow: c.slowCallMs !== null && e.durationMs > c.slowCallMs };
  const kept =
    c.windowKind === 'count'
      ? outcomes.slice(Math.max(0, outcomes.length - c.windowSize + 1))
      : outcomes.filter((x) => x.atMs > e.atMs - c.windowSize);
  return [...kept, o];
}

function tripped(c: BreakerConfig, outcomes: readonly Outcome[]): boolean {
  const n = outcomes.length;
  if (n === 0 || n < c.minCalls) return false;
  const failed = outcomes.filter((o) => o.failed).length;
  const slow = outcomes.filter((o) => o.slow).length;
  return failed / n >= c.failureRate || (c.slowCallMs !== null && slow / n >= c.slowCallRate);
}

/** The original statechart's transitions (guards tried in order; a transition with a target clears). */
function reference(c: BreakerConfig, s: RefState, e: BreakerEvent): RefState {
  const clear = (value: RefState['value']): RefState => ({ value, outcomes: [], probes: 0 });
  switch (s.value) {
    case 'closed':
      if (e.type !== 'RESULT') return s;
      return tripped(c, record(c, s.outcomes, e)) ? clear('open') : { ...s, outcomes: record(c, s.outcomes, e) };
    case 'open':
      return e.type === 'OPEN_ELAPSED' ? clear('halfOpen') : s;
    case 'halfOpen': {
      if (e.type === 'PROBE') return s.probes < c.halfOpenCalls ? { ...s, probes: s.probes + 1 } : s;
      if (e.type !== 'RESULT') return s;
      const withIt = [...s.outcomes, { atMs: e.atMs, failed: e.failed, slow: c.slowCallMs !== null && e.durationMs > c.slowCallMs }];
      if (s.outcomes.length + 1 >= c.halfOpenCalls && tripped({ ...c, minCalls: 0 }, withIt)) return clear('open');
      if (s.outcomes.length + 1 >= c.halfOpenCalls) return clear('closed');
      return { ...s, outcomes: withIt };
    }
  }
}

// ---- random configurations and event sequences ----

const rate = fc.oneof(fc.constantFrom(0, 0.1, 0.25, 1 / 3, 0.5, 0.6, 1), fc.double({ min: 0, max: 1, noNaN: true }));
const randomConfig: fc.Arbitrary<BreakerConfig> = fc.record({
  windowKind: fc.constantFrom('count' as const, 'time' as const),
  windowSize: fc.integer({ min: 1, max: 30 }),
  minCalls: fc.integer({ min: 0, max: 30 }),
  failureRate: rate,
  slowCallMs: fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }),
  slowCallRate: rate,
  openMs: fc.constant(1000),
  halfOpenCalls: fc.integer({ min: 1, max: 6 }),
});
/** A config, with its time window scaled to the gaps between results (time windows in ms of 1..30 gaps). */
const scaled = (c: BreakerConfig, gapMs: number): BreakerConfig =>
  c.windowKind === 'time' ? { ...c, windowSize: c.windowSize * gapMs } : c;

const step = fc.record({
  kind: fc.integer({ min: 0, max: 99 }),
  roll: fc.integer({ min: 0, max: 99 }),
  durationMs: fc.integer({ min: 0, max: 200 }),
  gap: fc.integer({ min: 0, max: 4 }),
});

/** Events from random steps: mostly results (failing with probability failPercent), some probes and open timeouts; times never go back. */
function events(
  steps: fc.Arbitrary<{ kind: number; roll: number; durationMs: number; gap: number }[]>,
  gapMs: number,
): fc.Arbitrary<BreakerEvent[]> {
  return fc.record({ failPercent: fc.integer({ min: 0, max: 100 }), steps }).map(({ failPercent, steps }) => {
    let atMs = 0;
    return steps.map((s): BreakerEvent => {
      if (s.kind < 15) return { type: 'PROBE' };
      if (s.kind < 22) return { type: 'OPEN_ELAPSED' };
      atMs += s.gap * gapMs;
      return { type: 'RESULT', failed: s.roll < failPercent, durationMs: s.durationMs, atMs };
    });
  });
}

/** Drive the reference, the new statechart (every event, through transition) and the driver; compare after each event. */
function check(config: BreakerConfig, evs: BreakerEvent[]): void {
  let ref: RefState = { value: 'closed', outcomes: [], probes: 0 };
  const machine = createBreakerMachine(config);
  let snap = getInitialSnapshot(machine);
  const core = new BreakerCore(config);
  evs.forEach((e, i) => {
    const before = ref;
    ref = reference(config, ref, e);
    [snap] = transition(machine, snap, e);
    let probed: boolean | null = null;
    if (e.type === 'PROBE') probed = core.probe();
    else if (e.type === 'RESULT') core.result(e.failed, e.durationMs, e.atMs);
    else core.openElapsed();
    const at = `event ${i} (${JSON.stringify(e)})`;
    expect(snap.value, `machine state after ${at}`).toBe(ref.value);
    expect(core.state, `driver state after ${at}`).toBe(ref.value);
    expect(snap.context.probes, `probes after ${at}`).toBe(ref.probes);
    expect(snap.context.outcomes.calls, `outcomes after ${at}`).toBe(ref.outcomes.length);
    expect(snap.context.outcomes.failed).toBe(ref.outcomes.filter((o) => o.failed).length);
    expect(snap.context.outcomes.slow).toBe(ref.outcomes.filter((o) => o.slow).length);
    if (probed !== null) expect(probed, `driver let a probe through at ${at}`).toBe(ref.probes > before.probes);
  });
}

describe('breaker against the list-based original (property)', () => {
  it('random configurations, count and time windows: the same state after every event', () => {
    fc.assert(
      fc.property(
        randomConfig
          .chain((c) => fc.tuple(fc.constant(c), fc.integer({ min: 1, max: 50 })))
          .chain(([c, gapMs]) => fc.tuple(fc.constant(scaled(c, gapMs)), events(fc.array(step, { maxLength: 150, size: 'max' }), gapMs))),
        ([config, evs]) => check(config, evs),
      ),
      { numRuns: 300, interruptAfterTimeLimit: 20_000 },
    );
  }, 30_000); // fast-check stops at 20 s; a loaded machine needs more than the default 5 s for 300 runs

  it('the four presets: the same state after every event', () => {
    const preset = fc.constantFrom(...(Object.keys(BREAKER_PRESETS) as (keyof typeof BREAKER_PRESETS)[]));
    fc.assert(
      fc.property(
        preset.chain((p) =>
          fc.tuple(fc.constant(BREAKER_PRESETS[p]), events(fc.array(step, { minLength: 100, maxLength: 400, size: 'max' }), 100)),
        ),
        ([config, evs]) => check(config, evs),
      ),
      { numRuns: 40, interruptAfterTimeLimit: 20_000 },
    );
  }, 30_000);
});

describe('outcome window', () => {
  it('is persistent: windows made from one window, in any order, each hold what a list would', () => {
    // a tree of windows: each new one is made from a random earlier one, as if snapshots were reused
    const op = fc.record({ from: fc.nat(), gapMs: fc.integer({ min: 0, max: 30 }), flags: fc.integer({ min: 0, max: 3 }) });
    fc.assert(
      fc.property(
        fc.constantFrom('count' as const, 'time' as const),
        fc.integer({ min: 1, max: 40 }),
        fc.array(op, { maxLength: 300 }),
        (kind, size, ops) => {
          const windows = [OutcomeWindow.empty(kind, size)];
          const lists: { atMs: number; flags: number }[][] = [[]];
          for (const o of ops) {
            const i = o.from % windows.length;
            const list = lists[i];
            const atMs = (list.at(-1)?.atMs ?? 0) + o.gapMs;
            const kept = kind === 'count' ? list.slice(Math.max(0, list.length - size + 1)) : list.filter((x) => x.atMs > atMs - size);
            const next = [...kept, { atMs, flags: o.flags }];
            windows.push(windows[i].add(atMs, o.flags));
            lists.push(next);
          }
          windows.forEach((w, i) => {
            expect(w.calls).toBe(lists[i].length);
            expect(w.failed).toBe(lists[i].filter((x) => x.flags & FAILED).length);
            expect(w.slow).toBe(lists[i].filter((x) => x.flags & SLOW).length);
          });
          // and adding to any of them again still agrees (its stretch of the log was not disturbed)
          windows.forEach((w, i) => {
            const list = lists[i];
            const atMs = (list.at(-1)?.atMs ?? 0) + 1;
            const kept = kind === 'count' ? list.slice(Math.max(0, list.length - size + 1)) : list.filter((x) => x.atMs > atMs - size);
            expect(w.add(atMs, FAILED).calls).toBe(kept.length + 1);
            expect(w.add(atMs, FAILED).failed).toBe(kept.filter((x) => x.flags & FAILED).length + 1);
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps memory within about twice the window (count window of 100, a million calls)', () => {
    let w = OutcomeWindow.empty('count', 100);
    for (let i = 0; i < 1_000_000; i++) w = w.add(i, i % 7 === 0 ? FAILED : 0);
    expect(w.calls).toBe(100);
    expect((w as unknown as { log: { atMs: number[] } }).log.atMs.length).toBeLessThanOrEqual(2 * 100 + 64 + 1);
  });
});
