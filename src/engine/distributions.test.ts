import { describe, expect, it } from 'vitest';
import {
  type DistSpec,
  PercentileSampler,
  createSampler,
  distMeanMs,
  distSecondMomentMs2,
  normalCdf,
  normalQuantile,
} from './distributions.js';
import { RandomStreams } from './rng.js';

const N = 200_000;

function draws(spec: DistSpec, n = N, seed = 1): Float64Array {
  const s = createSampler(spec, new RandomStreams(seed).stream('test'));
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = s.sample();
  return out;
}

function meanSd(xs: Float64Array): { mean: number; sd: number } {
  let sum = 0;
  for (const x of xs) sum += x;
  const mean = sum / xs.length;
  let ss = 0;
  for (const x of xs) ss += (x - mean) ** 2;
  return { mean, sd: Math.sqrt(ss / (xs.length - 1)) };
}

function quantile(xs: Float64Array, q: number): number {
  const sorted = Float64Array.from(xs).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

describe('distributions: sample mean agrees with the analytic mean', () => {
  // i.i.d. draws: the sample mean's SE is sd/sqrt(N); accept within 4 SE (two-sided p = 6e-5).
  const cases: [string, DistSpec][] = [
    ['constant', { kind: 'constant', valueMs: 5 }],
    ['uniform', { kind: 'uniform', minMs: 1, maxMs: 3 }],
    ['exponential', { kind: 'exponential', meanMs: 2 }],
    ['normal truncated at 0', { kind: 'normal', meanMs: 1, sdMs: 2 }],
    ['lognormal', { kind: 'lognormal', mu: Math.log(3), sigma: 0.8 }],
    ['gamma shape 2.5', { kind: 'gamma', shape: 2.5, scaleMs: 2 }],
    ['gamma shape 0.5', { kind: 'gamma', shape: 0.5, scaleMs: 4 }],
    ['pareto shape 3', { kind: 'pareto', scaleMs: 1, shape: 3 }],
    [
      'percentiles',
      {
        kind: 'percentiles',
        points: [
          { q: 0.5, valueMs: 1 },
          { q: 0.9, valueMs: 3 },
          { q: 0.99, valueMs: 12 },
        ],
      },
    ],
    [
      'mix',
      {
        kind: 'mix',
        parts: [
          { weight: 0.98, dist: { kind: 'exponential', meanMs: 8 } },
          { weight: 0.02, dist: { kind: 'constant', valueMs: 150 } },
        ],
      },
    ],
  ];
  for (const [name, spec] of cases) {
    it(name, () => {
      const xs = draws(spec);
      const { mean, sd } = meanSd(xs);
      const analytic = distMeanMs(spec);
      expect(Math.abs(mean - analytic)).toBeLessThanOrEqual(4 * (sd / Math.sqrt(N)) + 1e-12);
      for (const x of xs) if (!(x >= 0)) throw new Error(`negative or NaN draw ${x}`);
    });
    // E[X^2] for the queueing estimates: within 4 standard errors of the draws' mean square, where X^2 has a
    // finite variance (Pareto shape 3 has none: its mean square converges too slowly to test this way)
    if (name.startsWith('pareto')) continue;
    it(`${name}: second moment`, () => {
      const squares = draws(spec).map((x) => x * x);
      const { mean, sd } = meanSd(squares);
      expect(Math.abs(mean - distSecondMomentMs2(spec))).toBeLessThanOrEqual(4 * (sd / Math.sqrt(N)) + 1e-9);
    });
  }
});

describe('distribution shapes', () => {
  // Quantile checks: the empirical q-quantile of N draws has SE sqrt(q(1-q)/N)/f(x_q); tolerances below are >= 4 SE.
  it('exponential: p99 = mean * ln(100)', () => {
    expect(quantile(draws({ kind: 'exponential', meanMs: 10 }), 0.99) / (10 * Math.log(100))).toBeCloseTo(1, 1);
  });

  it('lognormal by median and p99 reproduces both', () => {
    const mu = Math.log(3);
    const spec: DistSpec = { kind: 'lognormal', mu, sigma: (Math.log(20) - mu) / normalQuantile(0.99) };
    const xs = draws(spec);
    expect(Math.abs(quantile(xs, 0.5) - 3) / 3).toBeLessThan(0.02);
    expect(Math.abs(quantile(xs, 0.99) - 20) / 20).toBeLessThan(0.04);
  });

  it('gamma with integer shape k is Erlang: variance = k * scale^2', () => {
    const { sd } = meanSd(draws({ kind: 'gamma', shape: 4, scaleMs: 2 }));
    expect(sd).toBeCloseTo(4, 1);
  });

  it('percentiles hit the given points and reproduce an exponential from two of its percentiles', () => {
    const p = new PercentileSampler(
      [
        { q: 0.5, valueMs: 2 },
        { q: 0.9, valueMs: 5 },
        { q: 0.99, valueMs: 20 },
      ],
      null,
    );
    expect(p.quantile(0.5)).toBeCloseTo(2, 12);
    expect(p.quantile(0.9)).toBeCloseTo(5, 12);
    expect(p.quantile(0.99)).toBeCloseTo(20, 12);
    expect(p.quantile(0.995)).toBeGreaterThan(20); // exponential tail beyond the last point
    const mean = 7;
    const e = new PercentileSampler(
      [
        { q: 0.5, valueMs: mean * Math.log(2) },
        { q: 0.99, valueMs: mean * Math.log(100) },
      ],
      null,
    );
    for (const q of [0.1, 0.5, 0.75, 0.999]) expect(e.quantile(q)).toBeCloseTo(-mean * Math.log(1 - q), 9);
    expect(e.meanMs()).toBeCloseTo(mean, 9);
  });

  it('percentiles with p100 are bounded by it', () => {
    const xs = draws(
      {
        kind: 'percentiles',
        points: [
          { q: 0.5, valueMs: 1 },
          { q: 1, valueMs: 4 },
        ],
      },
      50_000,
    );
    expect(Math.max(...xs)).toBeLessThanOrEqual(4);
  });

  it('mixture picks components by weight', () => {
    const xs = draws({
      kind: 'mix',
      parts: [
        { weight: 0.9, dist: { kind: 'constant', valueMs: 1 } },
        { weight: 0.1, dist: { kind: 'constant', valueMs: 100 } },
      ],
    });
    const share = xs.filter((x) => x === 100).length / N;
    // binomial SE sqrt(0.09/N) = 0.00067; 4 SE = 0.0027
    expect(Math.abs(share - 0.1)).toBeLessThan(0.0027);
  });

  it('normal quantile and CDF are inverse to each other', () => {
    for (const q of [0.001, 0.01, 0.3, 0.5, 0.9, 0.99, 0.999]) expect(normalCdf(normalQuantile(q))).toBeCloseTo(q, 6);
    expect(normalQuantile(0.99)).toBeCloseTo(2.326348, 5);
  });
});
