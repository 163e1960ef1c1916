// Property test of the event engine against a naive reference scheduler (a sorted array): same program, same observations.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type EventTarget, Simulation } from './simulation.js';

/** What a program can ask of a scheduler; both implementations below offer it. */
interface Scheduler {
  readonly nowMs: number;
  readonly eventCount: number;
  /** Returns a handle index (the n-th event ever scheduled). */
  schedule(delayMs: number, id: number): number;
  scheduleAt(timeMs: number, id: number): number;
  cancel(handle: number): boolean;
  runUntil(untilMs: number, maxEvents?: number): number;
  step(): boolean;
  stop(): void;
  /** Set by the driver: called with the event's id when it fires. */
  onEvent: (id: number) => void;
}

class Real implements Scheduler {
  private readonly sim: Simulation;
  constructor(compactMinCancelled?: number) {
    this.sim = new Simulation({ compactMinCancelled });
  }
  private readonly handles: number[] = [];
  onEvent: (id: number) => void = () => {};
  private readonly target: EventTarget = { handleEvent: (_code, ref) => this.onEvent(ref as number) };
  get nowMs() {
    return this.sim.nowMs;
  }
  get eventCount() {
    return this.sim.eventCount;
  }
  schedule(delayMs: number, id: number) {
    return this.handles.push(this.sim.schedule(delayMs, this.target, 1, id)) - 1;
  }
  scheduleAt(timeMs: number, id: number) {
    return this.handles.push(this.sim.scheduleAt(timeMs, this.target, 1, id)) - 1;
  }
  cancel(handle: number) {
    return this.sim.cancel(this.handles[handle]);
  }
  runUntil(untilMs: number, maxEvents?: number) {
    return this.sim.runUntil(untilMs, maxEvents);
  }
  step() {
    return this.sim.step();
  }
  stop() {
    this.sim.stop();
  }
}

interface RefEvent {
  timeMs: number;
  seq: number;
  id: number;
  state: 'pending' | 'ran' | 'cancelled';
}

/** The obvious scheduler: a list kept sorted by (time, sequence); cancelled entries are removed at once. */
class Reference implements Scheduler {
  nowMs = 0;
  eventCount = 0;
  private seq = 0;
  private queue: RefEvent[] = [];
  private readonly all: RefEvent[] = [];
  private stopped = false;
  onEvent: (id: number) => void = () => {};
  schedule(delayMs: number, id: number) {
    return this.scheduleAt(this.nowMs + delayMs, id);
  }
  scheduleAt(timeMs: number, id: number) {
    const e: RefEvent = { timeMs, seq: this.seq++, id, state: 'pending' };
    let i = this.queue.length;
    while (i > 0 && this.queue[i - 1].timeMs > timeMs) i--; // ties go after: FIFO
    this.queue.splice(i, 0, e);
    return this.all.push(e) - 1;
  }
  cancel(handle: number) {
    const e = this.all[handle];
    if (e.state !== 'pending') return false;
    e.state = 'cancelled';
    this.queue.splice(this.queue.indexOf(e), 1);
    return true;
  }
  runUntil(untilMs: number, maxEvents = Infinity) {
    let n = 0;
    this.stopped = false;
    while (!this.stopped && this.queue.length > 0 && this.queue[0].timeMs <= untilMs) {
      if (n >= maxEvents) return n;
      this.fire();
      n++;
    }
    if (!this.stopped && untilMs !== Infinity && untilMs > this.nowMs && (this.queue.length === 0 || this.queue[0].timeMs > untilMs))
      this.nowMs = untilMs;
    return n;
  }
  step() {
    if (this.queue.length === 0) return false;
    this.fire();
    return true;
  }
  stop() {
    this.stopped = true;
  }
  private fire() {
    const e = this.queue.shift()!;
    e.state = 'ran';
    this.nowMs = e.timeMs;
    this.eventCount++;
    this.onEvent(e.id);
  }
}

/** A cheap integer hash: what an event does is a pure function of its id and the program's salt. */
function hash(x: number, salt: number): number {
  let h = Math.imul(x ^ salt, 0x9e3779b1);
  h ^= h >>> 15;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

type Op =
  | { kind: 'bulk'; n: number; spread: number }
  | { kind: 'schedule'; delay: number }
  | { kind: 'scheduleAt'; offset: number }
  | { kind: 'cancel'; pick: number }
  /** Cancel every `step`-th event from the `pick`-th on (most of them still pending): mass cancellation, as when timeouts are cancelled. */
  | { kind: 'cancelMany'; pick: number; step: number }
  | { kind: 'run'; slice: number; maxEvents: number | null }
  | { kind: 'step' };

/** Delays with many ties: whole and half milliseconds, zero included. */
const delay = fc.integer({ min: 0, max: 40 }).map((x) => x / 2);

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('bulk' as const),
      n: fc.integer({ min: 200, max: 3000 }),
      spread: fc.integer({ min: 1, max: 200 }),
    }),
    weight: 1,
  },
  { arbitrary: fc.record({ kind: fc.constant('schedule' as const), delay }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('scheduleAt' as const), offset: delay }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('cancelMany' as const), pick: fc.nat(), step: fc.integer({ min: 1, max: 3 }) }), weight: 1 },
  {
    arbitrary: fc.record({
      kind: fc.constant('run' as const),
      slice: fc.oneof(
        fc.integer({ min: 0, max: 60 }).map((x) => x / 4),
        fc.constant(Infinity),
      ),
      maxEvents: fc.option(fc.integer({ min: 0, max: 500 }), { nil: null }),
    }),
    weight: 4,
  },
  { arbitrary: fc.record({ kind: fc.constant('step' as const) }), weight: 1 },
);

const MAX_EVENTS = 40_000;

/** Run a program on a scheduler and return everything observable about it. */
function execute(s: Scheduler, ops: readonly Op[], salt: number): unknown[] {
  const seen: unknown[] = [];
  let nextId = 0;
  let handles = 0;
  const newEvent = (d: number) => {
    if (nextId >= MAX_EVENTS) return;
    s.schedule(d, nextId++);
    handles++;
  };
  s.onEvent = (id) => {
    seen.push(['fire', id, s.nowMs]);
    const h = hash(id, salt);
    // 0, 1 or 2 children (a bit under one on average, so the queue drains), some at the same instant
    const children = h % 7 < 3 ? 0 : h % 7 < 6 ? 1 : 2;
    for (let c = 0; c < children; c++) newEvent((h >>> (8 + c * 4)) % 3 === 0 ? 0 : ((h >>> (12 + c * 5)) % 64) / 2);
    // cancel an earlier event now and then (it may have run already: then cancel says false)
    if (h % 5 === 0 && handles > 0) seen.push(['cancel-in-handler', s.cancel((h >>> 3) % handles)]);
    if (h % 997 === 0) s.stop();
  };
  for (const o of ops) {
    switch (o.kind) {
      case 'bulk':
        for (let i = 0; i < o.n; i++) newEvent(hash(nextId, salt) % o.spread);
        break;
      case 'schedule':
        newEvent(o.delay);
        break;
      case 'scheduleAt':
        if (nextId < MAX_EVENTS) {
          s.scheduleAt(s.nowMs + o.offset, nextId++);
          handles++;
        }
        break;
      case 'cancel':
        if (handles > 0) seen.push(['cancel', s.cancel(o.pick % handles)]);
        break;
      case 'cancelMany': {
        let cancelled = 0;
        for (let h = handles > 0 ? o.pick % handles : 0; h < handles; h += o.step) if (s.cancel(h)) cancelled++;
        seen.push(['cancelled', cancelled]);
        break;
      }
      case 'run':
        seen.push(['ran', s.runUntil(s.nowMs + o.slice, o.maxEvents ?? undefined)]);
        break;
      case 'step':
        seen.push(['step', s.step()]);
        break;
    }
    seen.push(['now', s.nowMs, s.eventCount]);
  }
  // drain (stops inside handlers end a call early: call again until nothing is left)
  for (let guard = 0; guard < 1000; guard++) if (s.runUntil(Infinity) === 0) break;
  seen.push(['end', s.nowMs, s.eventCount]);
  return seen;
}

describe('Simulation against a sorted-array reference', () => {
  it('dispatches the same events at the same times, with the same clock and counts, under any interleaving', () => {
    fc.assert(
      // compaction of cancelled events: at the default threshold, or after every few cancellations
      fc.property(
        fc.array(op, { minLength: 1, maxLength: 60 }),
        fc.integer(),
        fc.option(fc.integer({ min: 0, max: 16 }), { nil: undefined }),
        (ops, salt, compactMin) => {
          const real = execute(new Real(compactMin), ops, salt);
          const reference = execute(new Reference(), ops, salt);
          expect(real).toEqual(reference);
        },
      ),
      { numRuns: 60, seed: 20261130 },
    );
  });

  it('stops at the horizon when the heap grows during the call (more than 1,024 pending events)', () => {
    const sim = new Simulation();
    let fired = 0;
    const t: EventTarget = {
      handleEvent(code) {
        fired++;
        // each of the first events leaves 4 timers behind, far in the future: the heap grows mid-call
        if (code === 0) for (let i = 0; i < 4; i++) sim.schedule(1000 + i, t, 1);
      },
    };
    for (let i = 0; i < 1000; i++) sim.schedule(i / 100, t, 0);
    sim.runUntil(50);
    expect(sim.nowMs).toBe(50);
    expect(fired).toBe(1000);
    expect(sim.pending).toBe(4000);
  });

  it('compacts cancelled timers away: pending stays bounded when most timers are cancelled', () => {
    const sim = new Simulation();
    const t: EventTarget = { handleEvent() {} };
    for (let i = 0; i < 200_000; i++) {
      const timer = sim.schedule(1000, t, 0); // a call timeout...
      sim.schedule(0.001, t, 1); // ...and its answer, which comes first
      sim.runUntil(sim.nowMs + 0.001);
      sim.cancel(timer);
    }
    expect(sim.pending).toBeLessThan(10_000);
    sim.runUntil(Infinity);
    expect(sim.eventCount).toBe(200_000);
  });

  it('never dispatches past the horizon when a cancelled event is on top', () => {
    const sim = new Simulation();
    const times: number[] = [];
    const t: EventTarget = { handleEvent: () => times.push(sim.nowMs) };
    const early = sim.schedule(5, t, 0);
    sim.schedule(15, t, 0);
    sim.cancel(early);
    sim.runUntil(10);
    expect(times).toEqual([]);
    expect(sim.nowMs).toBe(10);
    sim.runUntil(20);
    expect(times).toEqual([15]);
  });
});
