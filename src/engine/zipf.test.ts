import { describe, expect, it } from 'vitest';
import { RandomStreams } from './rng.js';
import { ZipfSampler, zipfProbabilities } from './zipf.js';

/** Chi-square statistic of observed counts against expected probabilities. */
function chiSquare(counts: number[], p: Float64Array, n: number): number {
  return counts.reduce((sum, o, i) => sum + (o - n * p[i]) ** 2 / (n * p[i]), 0);
}

describe('ZipfSampler (rejection-inversion)', () => {
  // 99.9% quantile of chi-square with 49 degrees of freedom: 85.35
  for (const exponent of [0.5, 0.9, 1, 1.5]) {
    it(`matches the exact Zipf(${exponent}) probabilities over 50 ranks (chi-square, 200,000 draws, 99.9% level)`, () => {
      const n = 50;
      const draws = 200_000;
      const z = new ZipfSampler(n, exponent, new RandomStreams(11).stream(`zipf:${exponent}`));
      const counts = new Array<number>(n).fill(0);
      let outside = 0;
      for (let i = 0; i < draws; i++) {
        const k = z.sample();
        if (k >= 1 && k <= n && Number.isInteger(k)) counts[k - 1]++;
        else outside++;
      }
      expect(outside).toBe(0);
      expect(chiSquare(counts, zipfProbabilities(n, exponent), draws)).toBeLessThan(85.35);
    });
  }

  it('draws from a million ranks without a table: the top ranks get their exact shares', () => {
    const n = 1_000_000;
    const draws = 500_000;
    const p = zipfProbabilities(n, 0.9);
    const z = new ZipfSampler(n, 0.9, new RandomStreams(5).stream('zipf:big'));
    const counts = [0, 0, 0];
    let tail = 0;
    for (let i = 0; i < draws; i++) {
      const k = z.sample();
      if (k <= 3) counts[k - 1]++;
      if (k > n / 2) tail++;
    }
    for (let i = 0; i < 3; i++) {
      const sd = Math.sqrt(draws * p[i] * (1 - p[i]));
      expect(Math.abs(counts[i] - draws * p[i])).toBeLessThan(4 * sd);
    }
    const pTail = p.slice(n / 2).reduce((a, b) => a + b, 0);
    expect(Math.abs(tail - draws * pTail)).toBeLessThan(4 * Math.sqrt(draws * pTail * (1 - pTail)));
  });

  it('rejects an exponent of 0 or below and a rank count below 1', () => {
    const rng = new RandomStreams(1).stream('x');
    expect(() => new ZipfSampler(10, 0, rng)).toThrow(/exponent/);
    expect(() => new ZipfSampler(0, 1, rng)).toThrow(/n must/);
  });
});
