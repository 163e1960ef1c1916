// Theory tests: msim against closed-form queueing results (M/M/1, M/M/c, M/D/1, tandem, closed MVA, Little's law).
//
// Method: each case runs R independent replications (seeds 1..R). Each replication starts
// empty, drops a warm-up of many relaxation times, then measures. The estimate is the mean
// over replications, its standard error comes from the replication-to-replication spread,
// and the test accepts the theory value when it lies inside the two-sided 99.9% Student-t
// interval (t(0.9995, R-1) x SE), widened by the histogram's bucket error (0.05%) for
// percentiles. Each case also asserts that its SE is small (the test has power): a run too
// short to distinguish a 3% bias would fail, not pass. Seeds are fixed and never tuned.
import { describe, expect, it } from 'vitest';
import { erlangC, estimate, mva, replicate, seedsUpTo } from '../test-support/stats.js';

const R = 10; // replications
// `npm run test:long` (MSIM_LONG=1) runs every case 10x longer, for intervals about 3x tighter.
const SCALE = process.env.MSIM_LONG ? 10 : 1;
const HIST_REL = 0.0005; // histogram percentile error bound

function expectAgrees(samples: number[], theory: number, opts: { maxRelSe: number; percentile?: boolean }) {
  const e = estimate(samples);
  const slack = e.halfWidth999 + (opts.percentile ? HIST_REL * theory : 0);
  expect(e.se / theory, `relative SE ${((100 * e.se) / theory).toFixed(2)}% too large for a meaningful test`).toBeLessThan(opts.maxRelSe);
  expect(
    Math.abs(e.mean - theory),
    `estimate ${e.mean.toFixed(3)} vs theory ${theory.toFixed(3)} (99.9% half-width ${slack.toFixed(3)})`,
  ).toBeLessThanOrEqual(slack);
}

const mm = (rate: number, cpu: string, cores = 1, measureS: number, warmupS: number) => `
name: theory
duration: ${warmupS + measureS}s
warmup: ${warmupS}s
workloads: [{ name: w, to: s, arrivals: "poisson(${rate}/s)" }]
services:
  s: { cores: ${cores}, cpu: "${cpu}" }
`;

describe('M/M/1 (service rate 100/s): response time is exponential with rate mu - lambda', () => {
  // Relaxation time ~ 1/(mu (1 - sqrt(rho))^2): 0.4 s at rho 0.5, 1.9 s at 0.8, 3.8 s at 0.9; warm-up 100 s.
  // Measured: 200,000 customers a replication (per-replication relative SD of the mean ~1.7% at rho 0.8).
  for (const rho of [0.5, 0.8, 0.9]) {
    it(`rho ${rho}: mean 1/(mu-lambda), p99 ln(100)/(mu-lambda)`, () => {
      const lambda = 100 * rho;
      const reports = replicate(mm(lambda, 'exp(mean=10ms)', 1, (SCALE * 200_000) / lambda, 100), seedsUpTo(R));
      const meanMs = 1000 / (100 - lambda);
      expectAgrees(
        reports.map((r) => r.latencyMs.mean!),
        meanMs,
        { maxRelSe: 0.02 },
      );
      expectAgrees(
        reports.map((r) => r.latencyMs.p99!),
        Math.log(100) * meanMs,
        { maxRelSe: 0.03, percentile: true },
      );
      // utilization is rho, and Little's law holds at the service
      expectAgrees(
        reports.map((r) => r.services.s.utilization!),
        rho,
        { maxRelSe: 0.01 },
      );
    });
  }
});

describe('M/M/c: mean wait against Erlang C (rho 0.8, 10 ms service per core)', () => {
  for (const c of [2, 4, 8]) {
    it(`c = ${c}: W = C(c, a) / (c mu - lambda) + 1/mu`, () => {
      const lambda = 100 * c * 0.8;
      const a = lambda / 100;
      const theory = (1000 * erlangC(c, a)) / (100 * c - lambda) + 10;
      reportsCheck(replicate(mm(lambda, 'exp(mean=10ms)', c, (SCALE * 200_000) / lambda, 60), seedsUpTo(R)), theory);
    });
  }
  function reportsCheck(reports: ReturnType<typeof replicate>, theory: number) {
    expectAgrees(
      reports.map((r) => r.latencyMs.mean!),
      theory,
      { maxRelSe: 0.02 },
    );
  }
  it('Erlang C helper matches published values (0.711, 0.596, 0.458 at rho 0.8)', () => {
    expect(erlangC(2, 1.6)).toBeCloseTo(0.711, 3);
    expect(erlangC(4, 3.2)).toBeCloseTo(0.596, 3);
    expect(erlangC(8, 6.4)).toBeCloseTo(0.458, 3);
  });
});

describe('M/D/1: Pollaczek-Khinchine', () => {
  it('rho 0.8, 10 ms constant service: W = 1/mu + rho/(2 mu (1 - rho)) = 30 ms', () => {
    const reports = replicate(mm(80, '10ms', 1, SCALE * 2500, 60), seedsUpTo(R));
    expectAgrees(
      reports.map((r) => r.latencyMs.mean!),
      30,
      { maxRelSe: 0.02 },
    );
  });
});

describe('tandem of two M/M/1 (Burke: independent stages)', () => {
  it('rho 0.8 at both: total is Erlang-2 with rate 20/s, mean 100 ms, p99 331.9 ms', () => {
    const yaml = `
name: tandem
duration: ${60 + SCALE * 2500}s
warmup: 60s
workloads: [{ name: w, to: a, arrivals: "poisson(80/s)" }]
services:
  a: { cpu: exp(mean=10ms), calls: [b] }
  b: { cpu: exp(mean=10ms) }
`;
    const reports = replicate(yaml, seedsUpTo(R));
    // Erlang-2 quantile: 1 - e^-x (1 + x) = 0.99  =>  x = 6.638352
    expectAgrees(
      reports.map((r) => r.latencyMs.mean!),
      100,
      { maxRelSe: 0.02 },
    );
    expectAgrees(
      reports.map((r) => r.latencyMs.p99!),
      (6.638352 / 20) * 1000,
      { maxRelSe: 0.03, percentile: true },
    );
    // each stage on its own is M/M/1 with mean 50 ms
    expectAgrees(
      reports.map((r) => r.services.b.latencyMs.mean!),
      50,
      { maxRelSe: 0.02 },
    );
  });
});

describe('closed loop against exact mean value analysis', () => {
  it('10 users, think exp(50 ms), stations exp(10 ms) -> exp(5 ms): throughput and response time', () => {
    const yaml = `
name: closed
duration: ${60 + SCALE * 1000}s
warmup: 60s
workloads: [{ name: users, to: a, arrivals: "closed(users=10, think=exp(mean=50ms))" }]
services:
  a: { cpu: exp(mean=10ms), calls: [b] }
  b: { cpu: exp(mean=5ms) }
`;
    const exact = mva(10, [10, 5], 50);
    const reports = replicate(yaml, seedsUpTo(R));
    expectAgrees(
      reports.map((r) => r.latencyMs.mean!),
      exact.responseMs,
      { maxRelSe: 0.01 },
    );
    expectAgrees(
      reports.map((r) => r.workloads.users.throughputPerSec),
      exact.throughputPerMs * 1000,
      { maxRelSe: 0.01 },
    );
  });
});

describe("Little's law per service", () => {
  it('L = lambda W at every service of a fan-out graph (time-average vs. customer average)', () => {
    const yaml = `
name: little
duration: ${30 + SCALE * 1000}s
warmup: 30s
workloads: [{ name: w, to: gw, arrivals: "poisson(300/s)" }]
services:
  gw: { cores: 2, cpu: exp(mean=1ms), calls: [[x, y], z] }
  x: { replicas: 2, cpu: exp(mean=4ms) }
  y: { cpu: lognormal(median=1ms, p99=8ms) }
  z: { cores: 4, cpu: mix(0.9: 2ms, 0.1: 30ms) }
`;
    const [r] = replicate(yaml, [7]);
    for (const [name, s] of Object.entries(r.services)) {
      const lambdaW = s.throughputPerSec * (s.latencyMs.mean! / 1000);
      // Both sides average the same sample path; they differ only by customers straddling the window
      // edges: about L x W / T relative, under 0.1% here (W < 0.1 s, T = 1000 s). Allow 0.5%.
      expect(Math.abs(s.inSystem.mean! - lambdaW) / lambdaW, name).toBeLessThan(0.005);
    }
  });
});
