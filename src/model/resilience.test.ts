import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../engine/rng.js';
import { runScenario } from '../run/run.js';
import { loadScenarioText } from '../scenario/load.js';
import { backoffMs } from './resilience.js';

const run = (yaml: string) => runScenario(loadScenarioText(yaml, 'res.yaml'));

describe('retries', () => {
  it('amplification is exact: three layers of three attempts against a failing bottom multiply its load by 27', () => {
    const retry = '{ attempts: 3, backoff: constant(1ms), jitter: none, on: [error] }';
    const r = run(`name: storm
duration: 20s
workloads: [{ name: w, to: a, arrivals: constant(10/s), schedule: [{ at: 10s, rate: 0.001/s }] }]
services:
  a: { cores: 64, cpu: 0.1ms, calls: [{ to: b, retry: ${retry} }] }
  b: { cores: 64, cpu: 0.1ms, calls: [{ to: c, retry: ${retry} }] }
  c: { cores: 64, cpu: 0.1ms, calls: [{ to: d, retry: ${retry} }] }
  d: { cores: 64, cpu: 0.1ms, errors: 100% }
`);
    const n = r.requests.started;
    expect(n).toBe(100);
    expect(r.requests.failed).toBe(n);
    expect(r.services.d.requests.started).toBe(27 * n);
    expect(r.edges['a->b']).toEqual({
      calls: n,
      attempts: 3 * n,
      retries: 2 * n,
      hedges: 0,
      timeouts: 0,
      breakerRejected: 0,
      bulkheadRejected: 0,
      fallbacks: 0,
      amplification: 3,
    });
    expect(r.edges['b->c']).toEqual({
      calls: 3 * n,
      attempts: 9 * n,
      retries: 6 * n,
      hedges: 0,
      timeouts: 0,
      breakerRejected: 0,
      bulkheadRejected: 0,
      fallbacks: 0,
      amplification: 3,
    });
    expect(r.edges['c->d']).toEqual({
      calls: 9 * n,
      attempts: 27 * n,
      retries: 18 * n,
      hedges: 0,
      timeouts: 0,
      breakerRejected: 0,
      bulkheadRejected: 0,
      fallbacks: 0,
      amplification: 3,
    });
  });

  it('only retries the outcomes it is told to, and a success ends the call', () => {
    const r = run(`name: on
duration: 60s
workloads: [{ name: w, to: a, arrivals: poisson(100/s) }]
services:
  a: { cores: 8, cpu: 0.1ms, calls: [{ to: b, retry: { attempts: 2, backoff: constant(1ms), on: [timeout] } }] }
  b: { cores: 8, cpu: 0.1ms, errors: 50% }
`);
    expect(r.edges['a->b'].retries).toBe(0); // errors are not retried here
    const ok = run(`name: on
duration: 60s
workloads: [{ name: w, to: a, arrivals: poisson(100/s) }]
services:
  a: { cores: 8, cpu: 0.1ms, calls: [{ to: b, retry: { attempts: 2, backoff: constant(1ms) } }] }
  b: { cores: 8, cpu: 0.1ms, errors: 50% }
`);
    // half the calls fail once and are retried once; a quarter fail twice
    const e = ok.edges['a->b'];
    expect(Math.abs(e.retries / e.calls - 0.5)).toBeLessThan(4 * Math.sqrt(0.25 / e.calls));
    expect(Math.abs(ok.requests.failed / (ok.requests.completed + ok.requests.failed) - 0.25)).toBeLessThan(
      4 * Math.sqrt(0.1875 / e.calls),
    );
  });

  it('a retry budget caps retries at ratio x requests (+ minPerSec)', () => {
    const r = run(`name: budget
duration: 100s
warmup: 20s
workloads: [{ name: w, to: a, arrivals: poisson(100/s) }]
services:
  a: { cores: 8, cpu: 0.1ms, calls: [{ to: b, retry: { attempts: 4, backoff: constant(1ms), budget: { ratio: 10%, minPerSec: 0 } } }] }
  b: { cores: 8, cpu: 0.1ms, errors: 100% }
`);
    const e = r.edges['a->b'];
    // without a budget this would be 3 retries a call; the budget holds it near 10%
    expect(e.retries / e.calls).toBeLessThan(0.12);
    expect(e.retries / e.calls).toBeGreaterThan(0.08);
  });

  it('an adaptive token bucket stops retrying when nothing succeeds (Brooker)', () => {
    const r = run(`name: adaptive
duration: 60s
workloads: [{ name: w, to: a, arrivals: poisson(100/s) }]
services:
  a: { cores: 8, cpu: 0.1ms, calls: [{ to: b, retry: { attempts: 3, backoff: constant(1ms), adaptive: { tokensPerSuccess: 0.1, capacity: 10 } } }] }
  b: { cores: 8, cpu: 0.1ms, errors: 100% }
`);
    expect(r.edges['a->b'].retries).toBe(10); // the bucket's capacity, then never again
  });
});

describe('timeouts', () => {
  const yaml = `name: timeout
duration: 30s
warmup: 5s
workloads: [{ name: w, to: a, arrivals: poisson(20/s) }]
services:
  a: { cores: 8, cpu: 1ms, calls: [{ to: slow, timeout: 100ms }] }
  slow: { cores: 64, cpu: 400ms }
`;
  it('bound the caller latency; the callee keeps working, and that CPU is counted as wasted', () => {
    const r = run(yaml);
    expect(r.requests.completed).toBe(0);
    expect(r.requests.failed).toBeGreaterThan(400);
    expect(r.edges['a->slow'].timeouts).toBeGreaterThan(400);
    // every span of slow finishes after its caller gave up: all its CPU is wasted
    const slow = r.services.slow;
    expect(slow.requests.completed).toBeGreaterThan(400);
    expect(slow.wastedCpuMs).toBeCloseTo(400 * (slow.requests.completed + slow.requests.failed), 0);
    expect(r.services.a.wastedCpuMs).toBe(0);
  });

  it('an answer within the timeout is taken', () => {
    const r = run(yaml.replace('cpu: 400ms', 'cpu: 50ms'));
    expect(r.requests.failed).toBe(0);
    expect(r.latencyMs.max).toBeCloseTo(51, 6);
    expect(r.services.slow.wastedCpuMs).toBe(0);
  });

  it('with retries on timeout, each attempt gets its own timeout', () => {
    // arrivals stop 5 s before the end, so every call has made all its attempts
    const r = run(
      yaml
        .replace('timeout: 100ms', 'timeout: 100ms, retry: { attempts: 3, backoff: constant(10ms), jitter: none }')
        .replace('arrivals: poisson(20/s) }', 'arrivals: poisson(20/s), schedule: [{ at: 25s, rate: 0.001/s }] }'),
    );
    expect(r.edges['a->slow'].attempts).toBe(3 * r.edges['a->slow'].calls);
    // 1 ms + 3 x 100 ms + 2 x 10 ms of backoff: the caller gives up after 321 ms
    expect(r.requests.completed).toBe(0);
  });
});

describe('backoff', () => {
  const rng = new RandomStreams(1).stream('b');
  it('exponential doubles up to the cap; jitter stays inside its range', () => {
    const exp = { kind: 'exponential' as const, baseMs: 10, capMs: 100 };
    expect([1, 2, 3, 4, 5].map((k) => backoffMs(exp, 'none', k, 10, rng))).toEqual([10, 20, 40, 80, 100]);
    for (let i = 0; i < 1000; i++) {
      const full = backoffMs(exp, 'full', 3, 10, rng);
      expect(full >= 0 && full < 40).toBe(true);
      const equal = backoffMs(exp, 'equal', 3, 10, rng);
      expect(equal >= 20 && equal < 40).toBe(true);
      const dec = backoffMs(exp, 'decorrelated', 3, 30, rng);
      expect(dec >= 10 && dec <= 90).toBe(true);
    }
    expect(backoffMs({ kind: 'constant', ms: 50 }, 'none', 7, 0, rng)).toBe(50);
  });

  it('are validated with clear messages', () => {
    expect(() =>
      loadScenarioText(
        `name: v\nworkloads: [{ name: w, to: a, arrivals: poisson(1/s) }]\nservices:\n  a: { calls: [{ to: b, retry: { attempts: 0, backoff: "linear(5ms)", on: [errors] } }] }\n  b: { cpu: 1ms }\n`,
        'v.yaml',
      ),
    ).toThrow(
      /retry\.attempts: expected a number >= 1, found 0[\s\S]*retry\.backoff: expected exponential\(base=<duration>, cap=<duration>\) or constant\(<duration>\), found "linear\(\.\.\.\)"[\s\S]*retry\.on\[0\]: expected one of error, timeout, rejected, found "errors"; did you mean "error"\?/,
    );
  });
});

describe('hedged requests', () => {
  // a bimodal service: 99% answer in 2 ms, 1% take 200 ms
  const yaml = (hedge: string) => `name: hedge
duration: 120s
warmup: 10s
workloads: [{ name: w, to: a, arrivals: poisson(200/s) }]
services:
  a: { cores: 8, cpu: 0.1ms, calls: [{ to: b${hedge} }] }
  b: { replicas: 10, cores: 4, cpu: mix(0.99: 2ms, 0.01: 200ms) }
`;
  it('cut p99 for a bimodal service, for about 1% more requests', () => {
    const plain = run(yaml(''));
    const hedged = run(yaml(', hedge: { after: 10ms }'));
    expect(plain.latencyMs.p99!).toBeGreaterThan(190);
    // p99 of the hedged call: a slow first copy is overtaken by a fast second one sent at 10 ms
    expect(hedged.latencyMs.p99!).toBeLessThan(15);
    const e = hedged.edges['a->b'];
    expect(e.hedges / e.calls).toBeCloseTo(0.01, 2);
    expect(e.calls).toBe(e.attempts - e.hedges);
    expect(hedged.services.b.wastedCpuMs).toBeGreaterThan(0); // the losers' work
  });

  it('after: p95 learns the delay from recent latencies', () => {
    const hedged = run(yaml(', hedge: { after: p95 }'));
    expect(hedged.latencyMs.p99!).toBeLessThan(15);
    expect(hedged.edges['a->b'].hedges / hedged.edges['a->b'].calls).toBeLessThan(0.02);
  });
});

describe('rate limits, bulkheads and fallbacks', () => {
  it('a rate limit admits its rate and rejects the excess at once, with no CPU', () => {
    const r = run(`name: rl
duration: 60s
warmup: 10s
workloads: [{ name: w, to: api, arrivals: constant(1000/s) }]
services:
  api: { cores: 16, cpu: 1ms, rateLimit: { rate: 800/s, burst: 50 } }
`);
    const api = r.services.api;
    expect(api.throughputPerSec).toBeCloseTo(800, -1);
    expect(api.rateLimited / api.requests.started).toBeCloseTo(0.2, 2);
    expect(api.requests.rejected).toBe(api.rateLimited);
    expect(api.utilization!).toBeCloseTo(0.8 / 16, 3); // only admitted requests use CPU
  });

  it('a bulkhead caps the calls in flight and turns the rest away', () => {
    const r = run(`name: bh
duration: 30s
warmup: 5s
workloads: [{ name: w, to: a, arrivals: constant(100/s) }]
services:
  a: { cores: 8, cpu: 0.1ms, calls: [{ to: slow, bulkhead: { maxConcurrent: 5, queue: 2 } }] }
  slow: { cores: 64, cpu: 100ms }
`);
    // 100 calls/s of 100 ms each would be 10 in flight: the bulkhead keeps 5, queues 2, rejects the rest
    expect(r.services.slow.inSystem.max).toBe(5);
    const e = r.edges['a->slow'];
    expect(e.bulkheadRejected).toBeGreaterThan(0);
    expect(e.calls).toBe(e.attempts + e.bulkheadRejected);
    expect(r.requests.rejected).toBe(e.bulkheadRejected);
  });

  it('a bulkhead is per call site: two endpoints calling the same service at the same position have one each', () => {
    const r = run(`name: bh2
duration: 10s
workloads: [{ name: x, to: a.x, arrivals: constant(10/s) }, { name: y, to: a.y, arrivals: constant(10/s) }]
services:
  a: { cores: 8, endpoints: { x: { cpu: 0.1ms, calls: [{ to: slow, bulkhead: { maxConcurrent: 1 } }] }, y: { cpu: 0.1ms, calls: [{ to: slow, bulkhead: { maxConcurrent: 1 } }] } } }
  slow: { cores: 64, cpu: 50ms }
`);
    // each endpoint has one call in flight at a time (50 ms every 100 ms); sharing one bulkhead, they would collide
    expect(r.edges['a->slow'].bulkheadRejected).toBe(0);
    expect(r.requests.rejected).toBe(0);
  });

  it('a fallback answers a failed call with a degraded success, counted on the edge', () => {
    const r = run(`name: fb
duration: 30s
workloads: [{ name: w, to: a, arrivals: poisson(100/s) }]
services:
  a: { cores: 8, cpu: 0.1ms, calls: [{ to: b, fallback: { cpu: 0.2ms } }] }
  b: { cores: 8, cpu: 1ms, errors: 30% }
`);
    expect(r.requests.failed).toBe(0);
    const e = r.edges['a->b'];
    expect(Math.abs(e.fallbacks / e.calls - 0.3)).toBeLessThan(4 * Math.sqrt(0.21 / e.calls));
  });
});

describe('outlier ejection', () => {
  const yaml = (outlier: string) => `name: outlier
duration: 40s
discovery: { delay: 30s }
faults: [{ at: 10s, kill: b#0 }]
workloads: [{ name: w, to: a, arrivals: constant(100/s) }]
services:
  a: { cores: 8, cpu: 0.1ms, calls: [b] }
  b: { replicas: 4, cores: 4, cpu: 1ms${outlier} }
`;
  it('takes a failing replica out of rotation long before discovery would', () => {
    const slow = run(yaml(''));
    const fast = run(yaml(', outlier: { consecutiveErrors: 5, ejectFor: 30s, maxEjectedPercent: 50% }'));
    // without ejection, a quarter of the calls hit the dead replica for the 30 s of discovery delay
    expect(slow.services.b.connectionErrors).toBeGreaterThan(700);
    // with it, 5 errors in a row and it is out (round-robin: the 5th error comes after 20 calls)
    expect(fast.services.b.connectionErrors).toBe(5);
    expect(fast.requests.failed).toBe(5);
  });
});
