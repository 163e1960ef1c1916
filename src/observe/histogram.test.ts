import fc from 'fast-check';
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

  it('keeps memory flat: counters in blocks of 64 buckets, allocated where values fall', () => {
    const h = new Histogram();
    for (let i = 0; i < 1_000_000; i++) h.record(1 + (i % 1000) / 1000); // all in [1, 2): the 1024 buckets of one power of two
    expect(h.blockCount).toBe(16);
    const narrow = new Histogram();
    for (let i = 0; i < 100_000; i++) narrow.record(10 + (i % 100) / 1000); // [10, 10.1): two blocks
    expect(narrow.blockCount).toBeLessThanOrEqual(2);
  });

  it('agrees with a reference (sorted values, nearest rank, the bucket midpoint) on any values, merged or not', () => {
    // the reference: the bucket of a value is its exponent and top 10 mantissa bits; its midpoint is the report
    const view = new DataView(new ArrayBuffer(8));
    const bucketOf = (v: number) => {
      view.setFloat64(0, v);
      const hi = view.getUint32(0);
      return { exponent: (hi >>> 20) & 0x7ff, top: (hi >>> 10) & 1023 };
    };
    const edge = (exponent: number, top: number) => {
      view.setUint32(0, (exponent << 20) | (top << 10));
      view.setUint32(4, 0);
      return view.getFloat64(0);
    };
    const reference = (values: number[], p: number) => {
      const sorted = [...values].sort((a, b) => a - b);
      const min = sorted[0];
      const max = sorted[sorted.length - 1];
      if (p <= 0) return min;
      if (p >= 100) return max;
      const v = sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1];
      if (v <= 0) return 0;
      const { exponent, top } = bucketOf(v);
      const mid = (edge(exponent, top) + (top === 1023 ? edge(exponent + 1, 0) : edge(exponent, top + 1))) / 2;
      return Math.min(max, Math.max(min, mid));
    };
    const value = fc.oneof(
      fc.double({ min: 0, max: 1e-3, noNaN: true }),
      fc.double({ min: 0, max: 10, noNaN: true }),
      fc.double({ min: 0, max: 1e9, noNaN: true }),
      fc.constantFrom(0, 1e-300, 5e-324, 1e300, 1, 2, 1024),
    );
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 300 }), fc.array(value, { maxLength: 300 }), (xs, ys) => {
        const a = new Histogram();
        const b = new Histogram();
        for (const x of xs) a.record(x);
        for (const y of ys) b.record(y);
        a.merge(b);
        const all = [...xs, ...ys];
        for (const p of [0, 0.1, 1, 10, 50, 90, 99, 99.9, 100]) expect(a.percentile(p)).toBe(reference(all, p));
        expect(a.count).toBe(all.length);
        // counts at or below a bound (Prometheus buckets): a value counts by its bucket's midpoint, all below min none, all at max
        const mid = (v: number) => {
          if (v <= 0) return 0;
          const { exponent, top } = bucketOf(v);
          return (edge(exponent, top) + (top === 1023 ? edge(exponent + 1, 0) : edge(exponent, top + 1))) / 2;
        };
        const min = Math.min(...all);
        const max = Math.max(...all);
        for (const bound of [0, 0.005, 1, 2.5, 1000, 1e10, ...all.slice(0, 5)]) {
          const expected = bound < min ? 0 : bound >= max ? all.length : all.filter((x) => mid(x) <= bound).length;
          expect(a.countAtOrBelow(bound)).toBe(expected);
        }
      }),
      { seed: 20261130, numRuns: 300 },
    );
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
