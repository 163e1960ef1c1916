import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecentWindow, nearestRank } from './recent-window.js';

/** The reference: the last `capacity` values in a plain array, and the first sorted value with a share p at or below it. */
function reference(values: number[], capacity: number, p: number): number {
  const held = values.slice(Math.max(0, values.length - capacity)).sort((a, b) => a - b);
  const n = held.length;
  for (let k = 0; k < n; k++) if (k + 1 >= p * n) return held[k];
  return NaN;
}

describe('RecentWindow', () => {
  it('holds the last values recorded and gives their nearest-rank percentiles (against a plain array)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(1, 2, 8, 64),
        fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { maxLength: 300 }),
        fc.double({ min: 1e-6, max: 1, noNaN: true }),
        (capacity, values, p) => {
          const w = new RecentWindow(capacity);
          for (const v of values) w.record(v);
          expect(w.count).toBe(values.length);
          const sorted = w.sorted();
          expect([...sorted]).toEqual(values.slice(Math.max(0, values.length - capacity)).sort((a, b) => a - b));
          expect(nearestRank(sorted, p)).toBe(reference(values, capacity, p));
        },
      ),
    );
  });

  it('p50 and p99 of 1..100 are 50 and 99; the max is p = 1; an empty window has none', () => {
    const w = new RecentWindow(128);
    for (let i = 100; i >= 1; i--) w.record(i);
    const s = w.sorted();
    expect([nearestRank(s, 0.5), nearestRank(s, 0.99), nearestRank(s, 1)]).toEqual([50, 99, 100]);
    expect(nearestRank(new RecentWindow(4).sorted(), 0.5)).toBeNaN();
  });

  it('refuses a capacity that is not a power of two', () => {
    expect(() => new RecentWindow(1000)).toThrow(/power of two/);
  });
});
