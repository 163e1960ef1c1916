import { describe, expect, it } from 'vitest';
import { Run, runScenario } from '../run/run.js';
import { loadScenarioText } from '../scenario/load.js';
import { rateAt } from './workload.js';

const spec = (yaml: string) => loadScenarioText(yaml, 'model.yaml');
const run = (yaml: string, seed?: number) => runScenario(spec(yaml), { seed });

describe('replica admission: concurrency, bounded queue, rejection', () => {
  // Evenly spaced arrivals every 5 ms at a server that takes exactly 10 ms: deterministic.
  const yaml = `name: q
duration: 10s
workloads: [{ name: w, to: s, arrivals: constant(200/s) }]
services:
  s: { concurrency: 1, queue: 2, cpu: 10ms }
`;
  it('serves one at a time, queues two, rejects the rest', () => {
    const r = run(yaml);
    const s = r.services.s;
    expect(s.queueLength.max).toBe(2);
    expect(s.inSystem.max).toBe(3);
    // the server completes one request every 10 ms: 1000 in 10 s (the last may still be in progress)
    expect(s.requests.completed).toBeGreaterThanOrEqual(998);
    expect(s.requests.completed).toBeLessThanOrEqual(1000);
    // arrivals: 2000; rejected: all but those served or waiting
    expect(r.requests.started).toBe(2000);
    expect(r.requests.rejected).toBe(r.requests.started - r.requests.completed - r.requests.inFlight);
    expect(r.requests.inFlight).toBeLessThanOrEqual(3);
    expect(s.utilization).toBeGreaterThan(0.999);
  });

  it('holds a slot while waiting on calls (thread per request)', () => {
    // concurrency 1 at the front: b's 10 ms counts against the front's single slot
    const r = run(`name: slot
duration: 10s
workloads: [{ name: w, to: front, arrivals: constant(50/s) }]
services:
  front: { concurrency: 1, queue: 0, cpu: 0, calls: [b] }
  b: { cores: 8, cpu: 30ms }
`);
    // a request every 20 ms, each holding the only slot for 30 ms: every other one is rejected
    expect(r.requests.rejected / r.requests.started).toBeCloseTo(0.5, 2);
    expect(r.services.b.inSystem.max).toBe(1);
  });
});

describe('errors and call probabilities', () => {
  it('a failing callee fails its caller and the workload request; later steps are skipped', () => {
    const r = run(`name: e
duration: 5s
workloads: [{ name: w, to: a, arrivals: constant(100/s) }]
services:
  a: { cpu: 1ms, calls: [b, c] }
  b: { cpu: 1ms, errors: 100% }
  c: { cpu: 1ms }
`);
    expect(r.requests.completed).toBe(0);
    expect(r.requests.failed).toBe(r.requests.started - r.requests.inFlight);
    expect(r.services.b.requests.failed).toBe(r.services.b.requests.started - r.services.b.requests.inFlight);
    expect(r.services.c.requests.started).toBe(0);
    expect(r.latencyMs.mean).toBeNull(); // no successful request to measure
  });

  it('errors: p fails a fraction p of requests (binomial, within 4 SE)', () => {
    const r = run(`name: e
duration: 100s
workloads: [{ name: w, to: a, arrivals: poisson(200/s) }]
services:
  a: { cores: 4, cpu: 1ms, errors: 5% }
`);
    const n = r.requests.started - r.requests.inFlight;
    expect(Math.abs(r.requests.failed / n - 0.05)).toBeLessThan(4 * Math.sqrt((0.05 * 0.95) / n));
  });

  it('probability: p makes a call in a fraction p of requests; parallel steps wait for all', () => {
    const r = run(`name: p
duration: 100s
workloads: [{ name: w, to: a, arrivals: poisson(100/s) }]
services:
  a: { cores: 4, cpu: 0, calls: [[{ to: b, probability: 0.25 }, c]] }
  b: { cores: 64, cpu: 50ms }
  c: { cores: 64, cpu: 10ms }
`);
    const n = r.services.a.requests.started;
    const p = r.services.b.requests.started / n;
    expect(Math.abs(p - 0.25)).toBeLessThan(4 * Math.sqrt((0.25 * 0.75) / n));
    // a waits for the slower of its parallel calls: 50 ms in 25% of requests, else 10 ms
    expect(r.latencyMs.mean!).toBeCloseTo(0.25 * 50 + 0.75 * 10, 0);
    // percentiles within the histogram's bound (0.05%)
    expect(Math.abs(r.latencyMs.p50! - 10) / 10).toBeLessThanOrEqual(0.0005);
    expect(Math.abs(r.latencyMs.p90! - 50) / 50).toBeLessThanOrEqual(0.0005);
  });
});

describe('balancers', () => {
  const lb = (balancer: string, replicas = 4) => `name: lb
duration: 60s
workloads: [{ name: w, to: s, arrivals: poisson(300/s) }]
services:
  s: { replicas: ${replicas}, balancer: ${balancer}, cpu: exp(mean=10ms) }
`;
  it('round-robin splits requests exactly evenly', () => {
    const util = run(lb('round-robin')).services.s.perReplica.map((p) => p.utilization!);
    const spread = Math.max(...util) - Math.min(...util);
    expect(spread).toBeLessThan(0.03);
  });

  it('least-requests and p2c beat random on tail latency at the same load', () => {
    const p99 = (b: string) => run(lb(b)).services.s.latencyMs.p99!;
    const random = p99('random');
    expect(p99('least-requests')).toBeLessThan(random * 0.8);
    expect(p99('p2c')).toBeLessThan(random * 0.8);
  });
});

describe('workloads', () => {
  it('closed loop: never more requests in flight than users', () => {
    const r = run(`name: c
duration: 30s
workloads: [{ name: u, to: s, arrivals: closed(users=5, think=exp(mean=10ms)) }]
services:
  s: { cpu: exp(mean=20ms) }
`);
    expect(r.services.s.inSystem.max).toBeLessThanOrEqual(5);
    expect(r.services.s.utilization).toBeGreaterThan(0.9);
  });

  it('rate schedule: steps and linear ramps', () => {
    const schedule = [
      { atMs: 10_000, ratePerSec: 200, rampMs: 0 },
      { atMs: 20_000, ratePerSec: 100, rampMs: 10_000 },
    ];
    expect(rateAt(50, schedule, 5_000)).toBe(50);
    expect(rateAt(50, schedule, 10_000)).toBe(200);
    expect(rateAt(50, schedule, 25_000)).toBe(150);
    expect(rateAt(50, schedule, 40_000)).toBe(100);
    // constant arrivals follow the schedule: 10 s at 50/s, 10 s at 200/s, 10 s ramp 200->100, 10 s at 100/s
    const r = run(`name: s
duration: 40s
workloads:
  - name: w
    to: s
    arrivals: constant(50/s)
    schedule: [{ at: 10s, rate: 200/s }, { at: 20s, rate: 100/s, ramp: 10s }]
services:
  s: { cores: 8, cpu: 1ms }
`);
    const expected = 500 + 2000 + 1500 + 1000;
    expect(Math.abs(r.requests.started - expected)).toBeLessThanOrEqual(3);
  });

  it('poisson arrivals under a schedule (thinning) have the scheduled mean count', () => {
    const r = run(`name: s
duration: 100s
workloads: [{ name: w, to: s, arrivals: poisson(100/s), schedule: [{ at: 50s, rate: 300/s }] }]
services:
  s: { cores: 16, cpu: 1ms }
`);
    const expected = 50 * 100 + 50 * 300;
    expect(Math.abs(r.requests.started - expected)).toBeLessThan(4 * Math.sqrt(expected));
  });

  it('warm-up: requests arriving before it are not counted', () => {
    const r = run(`name: w
duration: 10s
warmup: 4s
workloads: [{ name: w, to: s, arrivals: constant(100/s) }]
services:
  s: { cpu: 1ms }
`);
    expect(Math.abs(r.requests.started - 600)).toBeLessThanOrEqual(1);
    expect(r.measuredSeconds).toBe(6);
  });
});

describe('determinism and random streams', () => {
  const base = `name: d
duration: 20s
workloads: [{ name: w, to: a, arrivals: poisson(200/s) }]
services:
  a: { replicas: 2, cpu: exp(mean=2ms), calls: [b] }
  b: { replicas: 3, balancer: p2c, cpu: exp(mean=5ms), errors: 1% }
`;
  it('the same spec and seed give identical reports', () => {
    const a = run(base, 3);
    const b = run(base, 3);
    expect({ ...a, engine: null }).toEqual({ ...b, engine: null });
    expect(a.engine.events).toBe(b.engine.events);
  });

  it('adding replicas does not shift the arrival stream', () => {
    const more = base.replace('replicas: 3', 'replicas: 5');
    expect(run(more, 3).requests.started).toBe(run(base, 3).requests.started);
  });

  it('runs in slices give the same result as one run', () => {
    const whole = run(base, 9);
    const sliced = new Run(spec(base), { seed: 9 });
    while (!sliced.done) sliced.advance(137);
    expect({ ...sliced.report(), engine: null }).toEqual({ ...whole, engine: null });
  });

  it('counts add up: started = completed + failed + rejected + in flight', () => {
    const r = run(base, 1);
    for (const c of [r.requests, ...Object.values(r.services).map((s) => s.requests)]) {
      expect(c.completed + c.failed + c.rejected + c.inFlight).toBe(c.started);
      expect(c.inFlight).toBeGreaterThanOrEqual(0);
    }
  });
});
