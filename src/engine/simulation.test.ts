import { describe, expect, it } from 'vitest';
import { RandomStreams } from './rng.js';
import { type EventTarget, Simulation } from './simulation.js';

class Recorder implements EventTarget {
  log: [number, number, unknown][] = [];
  constructor(private readonly sim: Simulation) {}
  handleEvent(code: number, ref: unknown): void {
    this.log.push([this.sim.nowMs, code, ref]);
  }
}

describe('Simulation', () => {
  it('runs events in time order and ties in scheduling order (FIFO)', () => {
    const sim = new Simulation();
    const r = new Recorder(sim);
    sim.schedule(5, r, 1);
    sim.schedule(1, r, 2);
    for (let i = 0; i < 10; i++) sim.schedule(3, r, 100 + i);
    sim.schedule(0, r, 3);
    sim.runUntil(Infinity);
    expect(r.log.map((e) => e[1])).toEqual([3, 2, ...Array.from({ length: 10 }, (_, i) => 100 + i), 1]);
    expect(r.log.map((e) => e[0])).toEqual([0, 1, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 5]);
  });

  it('matches a sorted reference under random interleaved pushes and pops (heap invariant)', () => {
    const sim = new Simulation();
    const rng = new RandomStreams(3).stream('heap');
    const seen: [number, number][] = [];
    let id = 0;
    const target: EventTarget = {
      handleEvent(code) {
        seen.push([sim.nowMs, code]);
        // each event schedules 0-2 more, some at the same time
        const k = Math.floor(rng.next() * 3);
        for (let i = 0; i < k && id < 50_000; i++) sim.schedule(rng.next() < 0.2 ? 0 : Math.floor(rng.next() * 100), target, id++);
      },
    };
    for (let i = 0; i < 1000; i++) sim.schedule(Math.floor(rng.next() * 100), target, id++);
    sim.runUntil(Infinity);
    expect(seen.length).toBe(id);
    // ids grow with scheduling order, so the exact expected order is by (time, id)
    const reference = [...seen].sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    expect(seen).toEqual(reference);
  });

  it('cancels pending events; stale and double cancels are harmless', () => {
    const sim = new Simulation();
    const r = new Recorder(sim);
    const a = sim.schedule(1, r, 1);
    const b = sim.schedule(2, r, 2);
    expect(sim.cancel(a)).toBe(true);
    expect(sim.cancel(a)).toBe(false);
    sim.runUntil(Infinity);
    expect(r.log.map((e) => e[1])).toEqual([2]);
    expect(sim.cancel(b)).toBe(false); // already ran
    // the freed slot is reused; the old handle must not cancel the new event
    sim.schedule(1, r, 3);
    expect(sim.cancel(a)).toBe(false);
    sim.runUntil(Infinity);
    expect(r.log.map((e) => e[1])).toEqual([2, 3]);
    expect(sim.eventCount).toBe(2);
  });

  it('runUntil stops at the horizon, advances the clock to it, and resumes', () => {
    const sim = new Simulation();
    const r = new Recorder(sim);
    sim.schedule(10, r, 1);
    sim.schedule(20, r, 2);
    expect(sim.runUntil(15)).toBe(1);
    expect(sim.nowMs).toBe(15);
    expect(sim.runUntil(20)).toBe(1); // events at exactly the horizon run
    expect(sim.nowMs).toBe(20);
    sim.schedule(5, r, 3);
    expect(sim.runUntil(100, 0)).toBe(0); // maxEvents
    expect(sim.nowMs).toBe(20);
    sim.runUntil(100);
    expect(r.log).toEqual([
      [10, 1, null],
      [20, 2, null],
      [25, 3, null],
    ]);
    expect(sim.nowMs).toBe(100);
  });

  it('refuses negative delays and times in the past', () => {
    const sim = new Simulation();
    const r = new Recorder(sim);
    expect(() => sim.schedule(-1, r, 1)).toThrow(RangeError);
    expect(() => sim.schedule(NaN, r, 1)).toThrow(RangeError);
    sim.runUntil(10);
    expect(() => sim.scheduleAt(5, r, 1)).toThrow(RangeError);
  });

  it('grows past its initial capacity', () => {
    const sim = new Simulation();
    const r = new Recorder(sim);
    for (let i = 0; i < 5000; i++) sim.schedule(5000 - i, r, i);
    expect(sim.pending).toBe(5000);
    sim.runUntil(Infinity);
    expect(r.log[0][1]).toBe(4999);
    expect(r.log[4999][1]).toBe(0);
  });
});

describe('RandomStreams', () => {
  it('gives the same numbers for the same seed and name, and independent ones for other names', () => {
    const a = new RandomStreams(42).stream('workload:a:arrivals');
    const b = new RandomStreams(42).stream('workload:a:arrivals');
    const c = new RandomStreams(42).stream('workload:b:arrivals');
    const d = new RandomStreams(43).stream('workload:a:arrivals');
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
    expect(Array.from({ length: 5 }, () => d.next())).not.toEqual(xs);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
  });

  it('draws 53-bit doubles (not 32-bit), so exponential tails are not capped', () => {
    const s = new RandomStreams(1).stream('bits');
    let fractional = 0;
    for (let i = 0; i < 1000; i++) {
      const x = s.next() * 2 ** 32;
      if (x !== Math.floor(x)) fractional++;
    }
    expect(fractional).toBeGreaterThan(990);
  });
});
