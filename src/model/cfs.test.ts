import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { runScenario } from '../run/run.js';
import { loadScenarioText } from '../scenario/load.js';

const run = (yaml: string, seed?: number) => runScenario(loadScenarioText(yaml, 'cfs.yaml'), { seed });

/** A front that fans each request out to four parallel 50 ms calls on one 4-core replica of s, once a second. */
const burst = (limit: string) => `name: cfs
duration: 10s
workloads: [{ name: w, to: front, arrivals: constant(1/s) }]
services:
  front: { cores: 4, cpu: 0, calls: [[s, s, s, s]] }
  s: { cores: 4, cpu: 50ms${limit} }
`;

describe('CFS bandwidth (cpuLimit)', () => {
  it('without a limit: four 50 ms jobs on four cores end at 50 ms', () => {
    const r = run(burst(''));
    expect(r.latencyMs.max).toBe(50);
    expect(r.throttling).toBeUndefined();
  });

  it('with 1 core per 100 ms: the quota is burnt in 25 ms, a 75 ms stall, then 25 ms more: 125 ms (hand-computed)', () => {
    // requests arrive at t = 1000k ms (k = 1, 2, ...), a period boundary: 4 cores use the 100 core-ms quota by +25 ms, each job has
    // 25 ms done; throttled to +100; refilled, 25 ms more each: all end at +125 ms. One throttled period of 75 ms each.
    const r = run(burst(', cpuLimit: 1'));
    expect(r.latencyMs.mean).toBe(125);
    expect(r.latencyMs.max).toBe(125);
    expect(r.services.s.latencyMs.max).toBe(125);
    const t = r.throttling!.s;
    // bursts at 1 s ... 9 s end in the run (the one at 10 s is still in flight)
    expect(r.requests.completed).toBe(9);
    expect(t.throttledPeriods).toBe(9);
    expect(t.throttledMs).toBe(675);
    expect(t.periods).toBe(18); // each burst uses CPU in two periods
    expect(t.throttledShare).toBe(0.5);
  });

  it('with 2 cores per 100 ms: 200 core-ms cover the burst: no throttling, 50 ms', () => {
    const r = run(burst(', cpuLimit: 2'));
    expect(r.latencyMs.max).toBe(50);
    expect(r.throttling!.s.throttledPeriods).toBe(0);
  });

  it('with 1.5 cores per 50 ms (75 core-ms): throttled at +18.75 ms to +50, again at +68.75 to +100, done at +112.5', () => {
    // 4 cores burn 75 in 18.75 ms (18.75 done each), stall to 50; 18.75 more by 68.75 (37.5 done), stall to 100;
    // 12.5 left each: 50 core-ms of the 75, done at 112.5 ms.
    const r = run(burst(', cpuLimit: 1.5, cfsPeriod: 50ms'));
    expect(r.latencyMs.max).toBe(112.5);
    expect(r.latencyMs.mean).toBe(112.5);
    expect(r.throttling!.s.throttledPeriods).toBe(18);
    expect(r.throttling!.s.throttledMs).toBeCloseTo(9 * (31.25 + 31.25), 6);
    expect(r.throttling!.s.periods).toBe(27);
  });

  it('work that fits the quota is not slowed: one 50 ms job at a time under a 1-core limit', () => {
    const r = run(`name: cfs
duration: 10s
workloads: [{ name: w, to: s, arrivals: constant(5/s) }]
services:
  s: { cores: 4, cpu: 50ms, cpuLimit: 1 }
`);
    expect(r.latencyMs.max).toBe(50);
    expect(r.throttling!.s.throttledPeriods).toBe(0);
  });
});

describe('CFS bandwidth: against a closed form', () => {
  /**
   * n equal jobs of d ms start together on n free cores at a period boundary, with quota Q = limit x P.
   * If n x P <= Q the quota never runs out: they end at d. Otherwise each period gives them Q of work
   * (Q/n ms each) before they stall: with W = n x d, m = ceil(W / Q) - 1 periods run out, and the rest
   * r = W - m x Q takes r / n ms of the next: they end at m x P + r / n.
   */
  const closedForm = (n: number, dMs: number, limit: number, periodMs: number): number => {
    const quota = limit * periodMs;
    if (n * periodMs <= quota) return dMs;
    const work = n * dMs;
    const m = Math.ceil(work / quota - 1e-12) - 1;
    return m * periodMs + (work - m * quota) / n;
  };

  it('matches for random parallelism, work, limits and periods', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 30 }),
        fc.constantFrom(0.5, 1, 1.5, 2, 3, 4),
        fc.constantFrom(50, 100, 200, 250),
        (n, d10, limit, periodMs) => {
          const dMs = d10 * 10;
          const targets = Array.from({ length: n }, () => 's').join(', ');
          // one burst at 10 s (a boundary of every period here), done within the run
          const r = run(`name: cfs
duration: 20s
workloads: [{ name: w, to: front, arrivals: constant(0.1/s) }]
services:
  front: { cores: 4, cpu: 0, calls: [[${targets}]] }
  s: { cores: 4, cpu: ${dMs}ms, cpuLimit: ${limit}, cfsPeriod: ${periodMs}ms }
`);
          expect(r.requests.completed).toBe(1);
          const want = closedForm(n, dMs, limit, periodMs);
          expect(Math.abs(r.latencyMs.max! - want) / want).toBeLessThan(1e-5); // reports keep 6 significant digits
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('CFS bandwidth: the tail it makes', () => {
  /**
   * Each request fans out to 8 parallel 20 ms jobs on one 8-core replica: 160 core-ms in a burst, 4 bursts/s
   * (0.64 cores on average, 8% of the cores). Without a limit a burst ends in 20 ms, or 40 ms when it lands
   * on the one before (P(another burst within 20 ms) = 1 - e^-0.08 = 7.7%; two, 0.3%): p99 <= 40 ms.
   * With a 1-core limit (100 core-ms per 100 ms) a burst cannot finish in one period's quota: one starting x ms
   * into a period with its quota whole burns it by x + 12.5, stalls to the boundary, and ends 7.5 ms into the
   * next, at 107.5 - x ms; x < 17.5 (17.5% of bursts, more with quota already used) gives over 90 ms: p99 > 90 ms.
   * The same CPU work is done in both runs.
   */
  const yaml = (limit: string) => `name: tail
duration: 200s
workloads: [{ name: w, to: front, arrivals: poisson(4/s) }]
services:
  front: { cores: 8, cpu: 0, calls: [[s, s, s, s, s, s, s, s]] }
  s: { cores: 8, cpu: 20ms${limit} }
`;
  it('a limit below the burst parallelism makes the tail, at the same average CPU use', () => {
    const free = run(yaml(''));
    const limited = run(yaml(', cpuLimit: 1'));
    expect(free.latencyMs.p99!).toBeLessThanOrEqual(40.1);
    expect(limited.latencyMs.p99!).toBeGreaterThan(90);
    expect(limited.latencyMs.p50!).toBeGreaterThan(2 * free.latencyMs.p50!);
    expect(limited.requests.started).toBe(free.requests.started); // the same arrivals
    expect(limited.throttling!.s.throttledShare!).toBeGreaterThan(0.25);
  });
});
