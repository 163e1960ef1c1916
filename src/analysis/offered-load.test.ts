import { describe, expect, it } from 'vitest';
import { loadScenarioText } from '../scenario/load.js';
import { cheLruHitRatio } from '../test-support/cache-theory.js';
import { keyGroups, lruLevel } from './cache-estimate.js';
import { estimateLoad, loadWarnings } from './offered-load.js';

/** Zipf probabilities of n keys, exactly: the reference the grouped estimate must match. */
function zipf(n: number, s: number): Float64Array {
  const p = Float64Array.from({ length: n }, (_, i) => (i + 1) ** -s);
  const total = p.reduce((a, b) => a + b, 0);
  return p.map((x) => x / total);
}

describe('cache estimate: Che over keys grouped by rank', () => {
  // the bands hold keys within 2% of each other's probability; the grouped sum is within 0.05 points of the exact one
  it.each([
    [100_000, 0.8, 1_000],
    [100_000, 1.0, 10_000],
    [10_000, 0.6, 500],
    [50_000, 1.2, 100],
  ])('%i keys, zipf(%f), capacity %i: the exact per-key Che hit ratio within 0.0005', (n, s, capacity) => {
    const exact = cheLruHitRatio(zipf(n, s), capacity);
    const grouped = lruLevel(keyGroups(n, { kind: 'zipf', exponent: s }), capacity, null, 1).hitRatio;
    expect(Math.abs(grouped - exact)).toBeLessThan(0.0005);
  });

  it('uniform and hot-set popularity have closed forms: C/n, and the hot set cached first', () => {
    expect(lruLevel(keyGroups(1000, { kind: 'uniform' }), 250, null, 1).hitRatio).toBeCloseTo(0.25, 9);
    // 10% of 10,000 keys get 90% of requests; 1,000 entries: Che fills mostly with hot keys
    const hot = lruLevel(keyGroups(10_000, { kind: 'hotset', keyShare: 0.1, requestShare: 0.9 }), 1000, null, 1).hitRatio;
    const p = Float64Array.from({ length: 10_000 }, (_, i) => (i < 1000 ? 0.9 / 1000 : 0.1 / 9000));
    expect(hot).toBeCloseTo(cheLruHitRatio(p, 1000), 9);
  });

  it('a billion keys take a few thousand groups and a few milliseconds', () => {
    const t0 = performance.now();
    const g = keyGroups(1_000_000_000, { kind: 'zipf', exponent: 0.9 });
    lruLevel(g, 1_000_000, null, 1);
    expect(g.counts.length).toBeLessThan(3000);
    expect(g.counts.reduce((a, b) => a + b, 0)).toBe(1_000_000_000);
    expect(performance.now() - t0).toBeLessThan(500);
  });
});

describe('estimateLoad', () => {
  it('follows rates through fan-out, call probabilities and endpoint errors; closed loops at users / (think + CPU)', () => {
    const spec = loadScenarioText(
      `name: t
workloads:
  - { name: shoppers, to: gateway, arrivals: poisson(400/s), schedule: [{ at: 10s, rate: 500/s }] }
  - { name: browsers, to: catalog, arrivals: "closed(users=50, think=exp(mean=1s))" }
services:
  gateway: { replicas: 2, cores: 2, cpu: 1ms, errors: 10%, calls: [cart, { to: payment, probability: 0.5 }] }
  cart: { cpu: 2ms, concurrency: 4, queue: 10 }
  payment: { replicas: 3, cpu: exp(mean=8ms) }
  catalog: { cpu: uniform(min=1ms, max=3ms) }
`,
      't.yaml',
    );
    const e = estimateLoad(spec);
    // at the schedule's peak, 500/s
    expect(e.services.gateway).toMatchObject({
      offeredPerSec: 500,
      openPerSec: 500,
      cpuMsPerSec: 500,
      utilization: 500 / 4000,
      unboundedQueue: true,
    });
    expect(e.services.cart.offeredPerSec).toBeCloseTo(450, 9);
    expect(e.services.cart.utilization).toBeCloseTo(0.9, 9);
    expect(e.services.cart.unboundedQueue).toBe(false);
    expect(e.services.payment.offeredPerSec).toBeCloseTo(225, 9);
    expect(e.services.payment.utilization).toBeCloseTo((225 * 8) / 3000, 9);
    // a closed loop: users / (mean think + its CPU per request) = 50 / (1 s + 2 ms)
    expect(e.services.catalog.offeredPerSec).toBeCloseTo(50_000 / 1002, 9);
    expect(e.services.catalog.openPerSec).toBe(0);
    expect(loadWarnings(spec)).toEqual([]);
  });

  it('sends only the misses of a local LRU cache to the origin (Che), and charges the lookups', () => {
    const spec = loadScenarioText(
      `name: c
workloads: [{ name: w, to: api, arrivals: poisson(1000/s) }]
keys: { items: { count: 10000, popularity: zipf(0.8) } }
caches: { l1: { kind: local, capacity: 500, hit: 0.05ms } }
services:
  api: { keys: items, cache: l1, cpu: 1ms, calls: [db] }
  db: { cpu: 2ms }
`,
      'c.yaml',
    );
    const e = estimateLoad(spec);
    const hit = cheLruHitRatio(zipf(10_000, 0.8), 500);
    expect(e.cacheHitRatios['l1@api.default']).toBeCloseTo(hit, 3);
    expect(e.services.db.offeredPerSec).toBeCloseTo(1000 * (1 - hit), 0);
    expect(e.services.api.cpuMsPerSec).toBeCloseTo(1000 * 0.05 + 1000 * (1 - hit) * 1, 0);
  });

  it('warns about a service at or over 100%: unbounded queues grow, bounded ones reject', () => {
    const spec = loadScenarioText(
      `name: w
workloads: [{ name: w, to: api, arrivals: poisson(1e9/s) }]
services:
  api: { cpu: 2ms, calls: [db] }
  db: { cpu: 0.5ms, replicas: 2, concurrency: 8, queue: 50 }
`,
      'w.yaml',
    );
    expect(loadWarnings(spec)).toEqual([
      'api: offered load is 2.00Mx its capacity (1.00G requests/s needing 2.00ms of CPU each on 1 replica x 1 core) and its queue is unbounded: requests pile up for as long as that lasts (a run stops when the requests in the system pass --max-in-system)',
      'about 60.00G workload requests in 60.0s simulated: at a million a second of wall time (fast for msim) that takes 16.7 hours; a shorter --duration shows the same behaviour sooner',
    ]);
    // db sees only what api gets through: 500/s (api's capacity), 12.5% of its own
    expect(estimateLoad(spec).services.db.offeredPerSec).toBeCloseTo(500, 6);
    const bounded = loadScenarioText(
      'name: b\nworkloads: [{ name: w, to: db, arrivals: poisson(6000/s) }]\nservices:\n  db: { cpu: 0.5ms, replicas: 2, concurrency: 8, queue: 50 }\n',
      'b.yaml',
    );
    expect(loadWarnings(bounded)).toEqual([
      'db: offered load is 150% of its capacity (6000 requests/s needing 500us of CPU each on 2 replicas x 1 core); its queue is bounded, so about 33% of its requests will be rejected',
    ]);
  });
});

describe('loadWarnings: loops and lengths', () => {
  const spec = (arrivals: string, cpu = '0', duration = '60s') =>
    loadScenarioText(
      `name: z\nduration: ${duration}\nworkloads: [{ name: w, to: api, arrivals: "${arrivals}" }]\nservices:\n  api: { cpu: ${cpu} }\n`,
      'z.yaml',
    );

  it('names a closed loop with no think time and no CPU: it would spin at one instant', () => {
    expect(loadWarnings(spec('closed(users=1, think=0)'))).toEqual([
      'workload w: a closed loop with no think time whose requests take no CPU: its users send again at the same instant, forever (the run stops when 10M events pass at one instant)',
    ]);
  });

  it('bounds a closed loop by users / (think + its CPU per request): no think time is not an infinite rate', () => {
    const e = estimateLoad(spec('closed(users=4, think=0)', '2ms'));
    expect(e.services.api.offeredPerSec).toBeCloseTo(2000, 9);
    expect(e.zeroDelayLoops).toEqual([]);
  });

  it('warns when a run will simulate more than half a billion requests', () => {
    expect(loadWarnings(spec('poisson(1e9/s)', '0', '60s')).at(-1)).toBe(
      'about 60.00G workload requests in 60.0s simulated: at a million a second of wall time (fast for msim) that takes 16.7 hours; a shorter --duration shows the same behaviour sooner',
    );
    expect(loadWarnings(spec('poisson(1000/s)', '0', '600s'))).toEqual([]);
  });

  it('refuses rates finer than the clock can separate (over 1e12/s)', () => {
    expect(() => spec('poisson(1e13/s)')).toThrow(/workloads\[0\]\.arrivals: expected a rate of at most 1e12\/s/);
  });
});
