import { describe, expect, it } from 'vitest';
import { meanInterval, t975 } from './statistics.js';

describe('confidence intervals', () => {
  it("uses Student's t: the table to 30 degrees of freedom, the expansion above (agreeing with published values)", () => {
    expect(t975(1)).toBe(12.706);
    expect(t975(4)).toBe(2.776);
    // published: t(0.975; 40) = 2.0211, 60: 2.0003, 120: 1.9799
    expect(t975(40)).toBeCloseTo(2.0211, 3);
    expect(t975(60)).toBeCloseTo(2.0003, 3);
    expect(t975(120)).toBeCloseTo(1.9799, 3);
    // continuous at the seam
    expect(Math.abs(t975(31) - 2.0395)).toBeLessThan(1e-3);
  });

  it('gives mean +- t x sd / sqrt(n), leaving out seeds without data', () => {
    // 1..5: mean 3, sd sqrt(2.5), half-width 2.776 x sqrt(2.5 / 5)
    const i = meanInterval([1, 2, 3, 4, 5]);
    expect(i.mean).toBe(3);
    expect(i.high! - 3).toBeCloseTo(2.776 * Math.sqrt(0.5), 12);
    expect(meanInterval([2, null, 2])).toEqual({ mean: 2, low: 2, high: 2 });
    expect(meanInterval([7])).toEqual({ mean: 7, low: 7, high: 7 });
    expect(meanInterval([null])).toEqual({ mean: null, low: null, high: null });
  });

  it('covers the true mean about 95% of the time (normal samples of 5)', () => {
    // a deterministic generator: Box-Muller over a fixed LCG
    let s = 12345;
    const u = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) + 1) / (2 ** 31 + 1);
    const normal = () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
    let covered = 0;
    const trials = 4000;
    for (let k = 0; k < trials; k++) {
      const i = meanInterval(Array.from({ length: 5 }, () => 10 + normal()));
      if (i.low! <= 10 && 10 <= i.high!) covered++;
    }
    // binomial(4000, 0.95): sd 0.0034; within 4 sd
    expect(Math.abs(covered / trials - 0.95)).toBeLessThan(4 * Math.sqrt((0.95 * 0.05) / trials));
  });
});
