// msim explain against queueing theory (exact M/M/c, M/D/1, fork-join of exponentials) and against simulated utilization.
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../run/api.js';
import { runScenario } from '../run/run.js';
import { explain, forkJoinMeanMs } from './explain.js';
import { erlangC, mmcMeanResponse } from './queueing.js';

const load = (text: string) => loadScenario({ text, name: 'explain.yaml' });

describe('queueing formulas', () => {
  it('Erlang C: M/M/2 at 50% waits with probability 2rho^2/(1+rho) = 1/3; M/M/1 with probability rho', () => {
    expect(erlangC(2, 1)).toBeCloseTo(1 / 3, 12);
    expect(erlangC(1, 0.7)).toBeCloseTo(0.7, 12);
    expect(erlangC(3, 3)).toBe(1);
    // thousands of servers (100 replicas x 16 cores pooled): finite, and below 1 short of saturation
    for (const [c, a] of [
      [1000, 900],
      [1600, 1200],
      [10_000, 9_900],
    ]) {
      const p = erlangC(c, a);
      expect(p, `${c} servers`).toBeGreaterThan(0);
      expect(p).toBeLessThan(1);
    }
    // Halfin-Whitt, 1 / (1 + beta Phi(beta) / phi(beta)) with beta = (c - a) / sqrt(a), gives 0.221 here (an approximation)
    expect(erlangC(10_000, 9_900)).toBeCloseTo(0.2228, 3);
  });

  it('fork-join of n iid exponentials: E[max] = mean x H(n); of one present with probability p: p x mean', () => {
    const h = (n: number) => Array.from({ length: n }, (_, i) => 1 / (i + 1)).reduce((a, b) => a + b, 0);
    for (const n of [2, 5, 40])
      expect(forkJoinMeanMs(Array.from({ length: n }, () => ({ probability: 1, meanMs: 3 })))).toBeCloseTo(3 * h(n), 6);
    expect(forkJoinMeanMs([{ probability: 0.4, meanMs: 5 }])).toBeCloseTo(2, 12);
    // two different means: E[max] = a + b - 1/(1/a + 1/b)
    expect(
      forkJoinMeanMs([
        { probability: 1, meanMs: 2 },
        { probability: 1, meanMs: 6 },
      ]),
    ).toBeCloseTo(2 + 6 - 1 / (1 / 2 + 1 / 6), 6);
  });
});

describe('msim explain', () => {
  it('matches M/M/c exactly for one service with exponential CPU', () => {
    for (const cores of [1, 2, 4]) {
      const spec = load(`name: mmc
duration: 10s
workloads: [{ name: w, to: s, arrivals: poisson(${cores * 70}/s) }]
services: { s: { cores: ${cores}, cpu: exp(mean=10ms) } }
`);
      const e = explain(spec);
      const s = e.services.s;
      const lambdaPerMs = (cores * 70) / 1000;
      expect(s.utilization).toBeCloseTo(0.7, 12);
      expect(s.waitProbability).toBeCloseTo(erlangC(cores, lambdaPerMs * 10), 12);
      expect(s.responseMs).toBeCloseTo(mmcMeanResponse(cores, lambdaPerMs, 10), 9);
      expect(e.latencyMs.mean).toBeCloseTo(mmcMeanResponse(cores, lambdaPerMs, 10), 9);
      // Little's law: L = lambda W
      expect(e.inSystemMean).toBeCloseTo(lambdaPerMs * s.responseMs!, 9);
      expect(e.bottleneck).toBe('s');
      expect(e.saturationPerSec).toBeCloseTo(cores * 100, 9);
    }
  });

  it('matches Pollaczek-Khinchine for M/D/1: W = S + rho S / (2 (1 - rho))', () => {
    const e = explain(
      load(`name: md1
duration: 10s
workloads: [{ name: w, to: s, arrivals: poisson(50/s) }]
services: { s: { cpu: 10ms } }
`),
    );
    expect(e.services.s.responseMs).toBeCloseTo(10 + (0.5 * 10) / (2 * 0.5), 9);
  });

  it("adds a call's round trip and the callee's response to the caller's", () => {
    const e = explain(
      load(`name: chain
duration: 10s
network: { sameDatacenter: 1ms }
workloads: [{ name: w, to: a, arrivals: poisson(50/s) }]
services:
  a: { cpu: exp(mean=2ms), calls: [b] }
  b: { cpu: exp(mean=4ms) }
`),
    );
    const a = mmcMeanResponse(1, 0.05, 2);
    const b = mmcMeanResponse(1, 0.05, 4);
    expect(e.services.b.responseMs).toBeCloseTo(b, 9);
    expect(e.services.a.responseMs).toBeCloseTo(a + 2 + b, 9);
    expect(e.latencyMs.mean).toBeCloseTo(2 + a + 2 + b, 9); // the workload's own hop to a, both ways
    expect(e.edges).toEqual([{ edge: 'a.default->b.default', callsPerSec: 50, roundTripMs: 2, worstAttempts: 1, sites: 1 }]);
  });

  it('counts closed loops by the response time law in the end-to-end mean, and holds them where they are at saturation', () => {
    const e = explain(
      load(`name: mixed
duration: 10s
workloads:
  - { name: open, to: s, arrivals: poisson(100/s) }
  - { name: loop, to: s, arrivals: closed(users=10, think=exp(mean=1s)) }
services: { s: { cpu: exp(mean=5ms) } }
`),
    );
    const r = e.workloads.open.latencyMs.mean!;
    // X = N / (Z + R) for the loop; the mean end to end weights both workloads by their rates
    expect(e.workloads.loop.ratePerSec).toBeCloseTo((10 * 1000) / (1000 + r), 9);
    const x = e.workloads.loop.ratePerSec!;
    expect(e.latencyMs.mean).toBeCloseTo((100 * r + x * r) / (100 + x), 9);
    // the utilization counts the loop at its most (users / (think + CPU)); the open rate that fills the service leaves it that share
    const closedAtMost = 10 / (1 + 0.005);
    expect(e.saturationPerSec).toBeCloseTo((1 - closedAtMost * 0.005) / 0.005, 6);
  });

  it('puts the bottleneck at exactly 100% at the saturation rate, whatever the CPU of the closed loops; none when they fill it alone', () => {
    const text = (openRate: number, users: number) => `name: sat
duration: 10s
workloads:
  - { name: open, to: s.light, arrivals: poisson(${openRate}/s) }
  - { name: loop, to: s.heavy, arrivals: closed(users=${users}, think=exp(mean=100ms)) }
services: { s: { endpoints: { light: { cpu: exp(mean=1ms) }, heavy: { cpu: exp(mean=20ms) } } } }
`;
    const e = explain(load(text(100, 1)));
    expect(e.saturationPerSec).not.toBeNull();
    const at = explain(load(text(e.saturationPerSec!, 1)));
    expect(at.services.s.utilization).toBeCloseTo(1, 9);
    // 20 users with 100 ms think time offer 20 / 0.12 s x 20 ms = 3.3 cores of work to one core: nothing left to fill
    expect(explain(load(text(10, 20))).saturationPerSec).toBeNull();
  });

  it("utilization agrees with a simulated run's within 1 point on a stable scenario", () => {
    // 300 s at 400 requests/s: about 120,000 requests, so the measured utilization (rate x mean demand) has a
    // relative standard error near sqrt((1 + CV^2) / N) = 0.4% (CV <= 1 here): at utilizations up to 0.8 that is
    // at most 0.0033, and 0.01 is three standard errors
    const spec = load(`name: stable
duration: 300s
warmup: 10s
workloads: [{ name: w, to: front, arrivals: poisson(400/s) }]
services:
  front: { replicas: 2, cpu: exp(mean=2ms), calls: [{ to: back, probability: 0.5 }, { to: side }] }
  back: { cores: 2, cpu: gamma(shape=2, mean=7ms) }
  side: { replicas: 3, balancer: least-requests, cpu: uniform(min=1ms, max=5ms) }
`);
    const e = explain(spec);
    const r = runScenario(spec);
    for (const name of ['front', 'back', 'side']) {
      expect(Math.abs(e.services[name].utilization - r.services[name].utilization!), name).toBeLessThan(0.01);
    }
    expect(e.services.back.offeredPerSec).toBeCloseTo(200, 9);
  });
});
