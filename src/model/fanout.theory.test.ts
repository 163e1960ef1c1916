// Theory test: the latency of "the first k of n" exponential copies is the k-th order statistic, of mean mu x sum_{i<k} 1/(n-i).
//
// Method (as queueing.theory.test.ts): R independent replications (seeds 1..R), the estimate is the
// mean over replications, its standard error the replication-to-replication spread, and the test
// accepts the theory value inside the two-sided 99.9% Student-t interval (t(0.9995, R-1) x SE). Each
// case also asserts that its SE is small (the test has power). The leaves have far more cores than
// copies in flight (no queueing) and there is no network, so a request's latency is exactly the k-th
// fastest of its n copies' exponential CPU times (the front's CPU is 0). Seeds are fixed, never tuned.
import { describe, expect, it } from 'vitest';
import { estimate, replicate, seedsUpTo } from '../test-support/stats.js';

const R = 10;
const SCALE = process.env.MSIM_LONG ? 10 : 1;
const N = 10;
const MEAN_MS = 10;

/** E[X_(k)] of n iid exponentials of mean mu (Renyi: the gaps are exponential of rate (n - i) / mu). */
const orderStatMeanMs = (k: number, n: number, mu: number) =>
  mu * Array.from({ length: k }, (_, i) => 1 / (n - i)).reduce((a, b) => a + b, 0);

const scenario = (wait: string) => `
name: quorum-theory
duration: ${200 * SCALE + 5}s
warmup: 5s
workloads: [{ name: w, to: front, arrivals: poisson(20/s) }]
services:
  front: { cores: 64, calls: [{ to: leaf, count: ${N}${wait} }] }
  leaf: { replicas: ${N}, cores: 256, cpu: exp(mean=${MEAN_MS}ms) }
`;

function expectAgrees(samples: number[], theory: number) {
  const e = estimate(samples);
  expect(e.se / theory, `relative SE ${((100 * e.se) / theory).toFixed(2)}% too large for a meaningful test`).toBeLessThan(0.01);
  expect(
    Math.abs(e.mean - theory),
    `estimate ${e.mean.toFixed(4)} vs theory ${theory.toFixed(4)} (99.9% half-width ${e.halfWidth999.toFixed(4)})`,
  ).toBeLessThanOrEqual(e.halfWidth999);
}

describe(`first k of ${N} exponential copies (mean ${MEAN_MS} ms): the k-th order statistic`, () => {
  const cases: [string, string, number][] = [
    ['first 1', ', wait: { first: 1 }', 1],
    ['first 3', ', wait: { first: 3 }', 3],
    ['first 5, the rest cancelled', ', wait: { first: 5, cancelRest: true }', 5],
    ['fraction 80% within 0ms (the 8th)', ', wait: { fraction: 80%, within: 0ms }', 8],
    ['all (no wait): the maximum, mu x H_n', '', N],
  ];
  for (const [name, wait, k] of cases) {
    it(`${name}: mean ${orderStatMeanMs(k, N, MEAN_MS).toFixed(3)} ms`, () => {
      const reports = replicate(scenario(wait), seedsUpTo(R));
      expectAgrees(
        reports.map((r) => r.latencyMs.mean!),
        orderStatMeanMs(k, N, MEAN_MS),
      );
    });
  }
});
