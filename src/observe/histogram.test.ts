import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../engine/rng.js';
import { Histogram } from './histogram.js';
import { TimeWeighted } from './time-weighted.js';

function exactPercentile(sorted: Float64Array, p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

describe('Histogram', () => {
  it('percentiles are within 0.05% of the exact nearest-rank value over nine decades', () => {
    const rng = new RandomStreams(5).stream('h');
    const h = new Histogram();
    const n = 100_000;
    const xs = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      xs[i] = 10 ** (rng.next() * 9 - 4); // 0.1 us .. 100 s
      h.record(xs[i]);
    }
    xs.sort();
    for (const p of [1, 10, 50, 90, 95, 99, 99.9, 99.99]) {
      const exact = exactPercentile(xs, p);
      expect(Math.abs(h.percentile(p) - exact) / exact, `p${p}`).toBeLessThanOrEqual(0.0005);
    }
    expect(h.count).toBe(n);
    expect(h.min).toBe(xs[0]);
    expect(h.max).toBe(xs[n - 1]);
    expect(h.mean).toBeCloseTo(xs.reduce((a, b) => a + b, 0) / n, 9);
  });

  it('handles zeros, a single value, and no values', () => {
    const h = new Histogram();
    expect(h.percentile(50)).toBeNaN();
    h.record(0);
    h.record(0);
    h.record(7);
    expect(h.percentile(50)).toBe(0);
    expect(h.percentile(99)).toBe(7);
    const one = new Histogram();
    one.record(3.3);
    expect(one.percentile(50)).toBe(3.3); // clamped to the exact min/max
  });

  it('merges', () => {
    const a = new Histogram();
    const b = new Histogram();
    const all = new Histogram();
    for (let i = 1; i <= 1000; i++) {
      (i % 2 ? a : b).record(i);
      all.record(i);
    }
    a.merge(b);
    for (const p of [10, 50, 99]) expect(a.percentile(p)).toBe(all.percentile(p));
    expect(a.count).toBe(1000);
  });

  it('keeps memory flat: buckets are per power of two, not per value', () => {
    const h = new Histogram();
    for (let i = 0; i < 1_000_000; i++) h.record(1 + (i % 1000) / 1000); // all in [1, 2)
    // one chunk of 1024 counters is all that exists
    const chunks = (h as unknown as { chunks: (Float64Array | undefined)[] }).chunks.filter(Boolean);
    expect(chunks.length).toBe(1);
  });
});

describe('TimeWeighted', () => {
  it('integrates a step function from the window start', () => {
    const t = new TimeWeighted(10);
    t.set(4, 0); // before the window: not integrated
    t.set(2, 20); // level 4 over [10, 20]
    t.set(0, 30); // level 2 over [20, 30]
    expect(t.mean(40)).toBeCloseTo((4 * 10 + 2 * 10 + 0) / 30, 12);
    expect(t.maxSince(40)).toBe(4);
  });

  it('max ignores levels that ended before the window', () => {
    const t = new TimeWeighted(10);
    t.set(9, 1);
    t.set(1, 5);
    t.set(2, 15);
    expect(t.maxSince(20)).toBe(2);
  });
});
