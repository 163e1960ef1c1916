import { describe, expect, it } from 'vitest';
import { Run, runScenario } from '../run/run.js';
import { loadScenarioText } from '../scenario/load.js';
import { CacheEvent, type CacheLevel } from './cache.js';
import { nullListener } from './listener.js';

const spec = (yaml: string) => loadScenarioText(yaml, 'cache.yaml');
const run = (yaml: string, seed?: number) => runScenario(spec(yaml), { seed });

/** One key: after the first miss every read hits until the entry expires or is written. */
const oneKey = (extra = '', caches = 'cache: [l1, l2]', keys = '{ count: 1 }') => `name: one
duration: 10s
workloads: [{ name: w, to: api.get, arrivals: constant(100/s) }]
keys:
  k: ${keys}
caches:
  l1: { kind: local, capacity: 10, hit: 10us }
  l2: { kind: shared, capacity: 10, hit: 50us }
services:
  api:
    replicas: 1
    endpoints:
      get: { keys: k, ${caches}, cpu: 1ms, calls: [db] }
  db: { cpu: 5ms }
${extra}`;

describe('multi-level lookup', () => {
  it('misses everywhere once, fills both levels, then hits in L1 and never asks L2 or the origin again', () => {
    const r = run(oneKey());
    const n = r.requests.completed;
    expect(r.requests.started).toBe(1000);
    expect(n).toBe(999); // the request sent at 10 s is still in its lookup when the run ends
    expect(r.caches.l1).toMatchObject({ lookups: n, misses: 1, hits: n - 1, fills: 1, kind: 'local', copies: 1, entries: 1 });
    expect(r.caches.l2).toMatchObject({ lookups: 1, misses: 1, hits: 0, fills: 1, kind: 'shared', copies: 1, entries: 1 });
    expect(r.cachedEndpoints['api.get']).toMatchObject({ requests: n, originRequests: 1, originLoadReduction: 0.998999 });
    expect(r.services.db.requests.started).toBe(1);
    // a hit costs the 10 us lookup; the miss paid the origin's 1 ms + 5 ms
    expect(r.latencyMs.p50).toBeCloseTo(0.01, 3);
    expect(r.latencyMs.max).toBeGreaterThan(6);
  });

  it('a hit in L2 fills L1: each of two replicas misses its own L1 once, the second finds the key in L2', () => {
    const r = run(oneKey().replace('replicas: 1', 'replicas: 2'));
    expect(r.caches.l1).toMatchObject({ misses: 2, copies: 2, entries: 2 });
    expect(r.caches.l2).toMatchObject({ lookups: 2, misses: 1, hits: 1 });
    expect(r.cachedEndpoints['api.get'].originRequests).toBe(1);
  });

  it('a shared cache is reached over the network like any service, and its node does the lookup work', () => {
    const r = run(oneKey('network: { sameDatacenter: 1ms }', 'cache: l2'));
    // a hit: the client's hop each way, the hop to the node and back, and the node's 50 us
    expect(r.latencyMs.p50).toBeCloseTo(1 + 1 + 1 + 1 + 0.05, 3);
    expect(r.services.l2.requests.completed).toBeGreaterThanOrEqual(999);
    expect(r.services.l2.utilization).toBeCloseTo((100 * 0.05) / 1000, 3);
  });

  it('TTL: the one key expires every 2 s and is fetched again (5 origin runs in 10 s)', () => {
    const r = run(
      oneKey().replace('l1: { kind: local, capacity: 10, hit: 10us }', 'l1: { kind: local, capacity: 10, hit: 10us, ttl: 2s }'),
      1,
    );
    expect(r.caches.l1.expirations).toBe(4);
    expect(r.caches.l1.misses).toBe(5);
    // l2 has no TTL: after the first fill, L1's refills come from it
    expect(r.caches.l2).toMatchObject({ lookups: 5, hits: 4, misses: 1 });
  });
});

describe('writes', () => {
  const twoKeysWrites = (onWrite: string) =>
    oneKey('', 'cache: [l1, l2]', '{ count: 1, writes: 10% }')
      .replace('l2: { kind: shared, capacity: 10, hit: 50us }', `l2: { kind: shared, capacity: 10, hit: 50us, onWrite: ${onWrite} }`)
      .replace('l1: { kind: local, capacity: 10, hit: 10us }', `l1: { kind: local, capacity: 10, hit: 10us, onWrite: ${onWrite} }`);

  it('invalidate: every write goes to the origin and drops the key from every level, so the next read misses', () => {
    const r = run(twoKeysWrites('invalidate'));
    const e = r.cachedEndpoints['api.get'];
    expect(e.writes).toBeGreaterThan(60);
    expect(r.caches.l1.writes).toBe(e.writes);
    expect(r.caches.l2.writes).toBe(e.writes);
    // each write is followed by one miss at each level (unless another write comes first): misses <= writes + 1
    expect(r.caches.l1.misses).toBeGreaterThan(e.writes * 0.8);
    expect(r.caches.l1.misses).toBeLessThanOrEqual(e.writes + 1);
    expect(e.originRequests).toBe(e.writes + r.caches.l2.misses);
    expect(r.edges['api->l2'].attempts).toBe(r.caches.l2.lookups + r.caches.l2.fills + e.writes); // gets, sets and dels
  });

  it('update: writes put the new value in every level, so reads keep hitting', () => {
    const r = run(twoKeysWrites('update'));
    // at most the first read misses (none if a write came first and filled the levels)
    expect(r.caches.l1.misses).toBeLessThanOrEqual(1);
    expect(r.caches.l2.misses).toBe(r.caches.l1.misses);
    expect(r.caches.l1.fills).toBe(r.cachedEndpoints['api.get'].writes + r.caches.l1.misses);
    expect(r.cachedEndpoints['api.get'].originRequests).toBe(r.cachedEndpoints['api.get'].writes + r.caches.l1.misses);
  });

  it("an endpoint's onWrite overrides its caches': update through an invalidating cache", () => {
    const r = run(
      twoKeysWrites('invalidate').replace('get: { keys: k, cache: [l1, l2],', 'get: { keys: k, cache: [l1, l2], onWrite: update,'),
    );
    expect(r.caches.l1.misses).toBeLessThanOrEqual(1);
    expect(r.caches.l1.writes).toBe(r.cachedEndpoints['api.get'].writes);
    expect(r.edges['api->l2'].attempts).toBe(r.caches.l2.lookups + r.caches.l2.fills); // sets only, no dels
  });

  it("a local cache is per replica: a write drops the key from the writing replica's copy only", () => {
    const world = new Run(spec(twoKeysWrites('invalidate').replace('replicas: 1', 'replicas: 2').replace('cache: [l1, l2]', 'cache: l1')))
      .world;
    const [a, b] = world.service('api').replicas;
    const holds = (r: typeof a) => world.caches[0].copyAt(r)?.store.has(0, world.sim.nowMs) ?? false;
    let writes = 0;
    let stale = 0;
    world.listener = {
      ...nullListener,
      cacheEvent: (_l: CacheLevel, kind) => {
        if (kind !== CacheEvent.Write) return;
        writes++;
        // the writer's copy no longer has the key; the other may still (until its own write or TTL)
        expect(holds(a) && holds(b)).toBe(false);
        if (holds(a) !== holds(b)) stale++;
      },
    };
    world.start();
    world.sim.runUntil(10_000);
    expect(writes).toBeGreaterThan(50);
    expect(stale).toBeGreaterThan(10);
  });
});

describe('cold caches after a kill', () => {
  const yaml = `name: kill
duration: 20s
workloads: [{ name: w, to: api.get, arrivals: poisson(500/s) }]
keys:
  k: { count: 1000, popularity: zipf(1.0) }
caches:
  l1: { kind: local, capacity: 200 }
  l2: { kind: shared, replicas: 2, capacity: 1000 }
services:
  api:
    replicas: 2
    endpoints:
      get: { keys: k, cache: [l1, l2], cpu: 1ms, calls: [db] }
  db: { cores: 4, cpu: 5ms }
faults:
  - { at: 10s, for: 1s, kill: api#0 }
  - { at: 10s, for: 1s, kill: l2#1 }
`;
  it('a killed replica loses its local cache and starts empty; a killed cache node loses its keys', () => {
    const r = new Run(spec(yaml));
    const [a0, a1] = r.world.service('api').replicas;
    const [n0, n1] = r.world.service('l2').replicas;
    r.advance(9_999);
    expect(r.world.caches[0].copyAt(a0)!.store.size).toBe(200);
    expect(r.world.caches[1].copyAt(n1)!.store.size).toBeGreaterThan(300);
    r.advance(2); // just after the kills
    expect(r.world.caches[0].copyAt(a0)).toBeUndefined();
    expect(r.world.caches[1].copyAt(n1)).toBeUndefined();
    expect(r.world.caches[0].copyAt(a1)!.store.size).toBe(200); // the other replica keeps its own
    expect(r.world.caches[1].copyAt(n0)!.store.size).toBeGreaterThan(300);
    r.advance(1_100); // back up 1 s later, cold, and filling again
    expect(a0.up).toBe(true);
    expect(r.world.caches[0].copyAt(a0)!.store.size).toBeGreaterThan(0);
    expect(r.world.caches[0].copyAt(a0)!.store.size).toBeLessThan(200);
    const report = r.runToEnd();
    // while l2#1 was down its keys went to l2#0 (rendezvous hashing): no lookup errors with no discovery delay
    expect(report.caches.l2.errors).toBe(0);
  });

  it('with a timeout, lookups of a node that dies under them fail fast to the origin, counted as errors', () => {
    const r = run(
      yaml
        .replace('l2: { kind: shared, replicas: 2, capacity: 1000 }', 'l2: { kind: shared, replicas: 2, capacity: 1000, timeout: 5ms }')
        .replace('faults:', 'discovery: { delay: 2s }\nfaults:')
        .replace('  - { at: 10s, for: 1s, kill: api#0 }\n', ''),
    );
    expect(r.caches.l2.errors).toBeGreaterThan(0);
    expect(r.requests.failed).toBe(0); // a cache failure is a miss, not an error
  });
});

describe('stampedes and single-flight', () => {
  /** 2,000 reads/s of one hot key with a 1 s TTL in front of a 50 ms origin: at each expiry ~100 requests miss at once. */
  const hot = (coalesce: boolean) => `name: stampede
duration: 10s
warmup: 1s
workloads: [{ name: w, to: api.get, arrivals: poisson(2000/s) }]
keys:
  k: { count: 1 }
caches:
  l2: { kind: shared, replicas: 1, cores: 4, capacity: 10, ttl: 1s, coalesce: ${coalesce} }
services:
  api:
    replicas: 4
    cores: 4
    endpoints:
      get: { keys: k, cache: l2, cpu: 0.1ms, calls: [db] }
  db: { cores: 64, cpu: 50ms }
`;
  it('without coalescing every concurrent miss goes to the origin; with it, one fetch per expiry', () => {
    const herd = run(hot(false));
    const single = run(hot(true));
    expect(herd.caches.l2.maxConcurrentFetches).toBeGreaterThan(50);
    expect(herd.caches.l2.stampedes).toBeGreaterThanOrEqual(8);
    expect(herd.services.db.requests.started).toBeGreaterThan(500);
    expect(single.caches.l2.maxConcurrentFetches).toBe(1);
    // one fetch per second of measured time (9 s), give or take the window's edges
    expect(single.services.db.requests.started).toBeGreaterThanOrEqual(8);
    expect(single.services.db.requests.started).toBeLessThanOrEqual(10);
    expect(single.caches.l2.coalesced).toBeGreaterThan(500);
    expect(single.caches.l2.stampedes).toBeGreaterThanOrEqual(8); // absorbed, but still seen
    expect(single.requests.failed).toBe(0);
    // the waiters wait for the fetch instead of making it: both see about 50 ms at expiry
    expect(single.latencyMs.p99).toBeLessThan(herd.latencyMs.p99! * 1.5);
  });

  it('refresh-ahead keeps a hot key fresh: hits near expiry refresh it in the background, so it never expires', () => {
    const r = run(hot(true).replace('coalesce: true', 'coalesce: true, refreshAhead: 10%'));
    expect(r.caches.l2.expirations).toBe(0);
    expect(r.caches.l2.refreshes).toBeGreaterThanOrEqual(8);
    expect(r.caches.l2.misses).toBe(0);
    expect(r.latencyMs.p99).toBeLessThan(5);
  });

  it('stampede events reach the listener with their size', () => {
    const world = new Run(spec(hot(false))).world;
    const sizes: number[] = [];
    world.listener = { ...nullListener, cacheEvent: (_l, kind, _k, n) => kind === CacheEvent.Stampede && sizes.push(n) };
    world.start();
    world.sim.runUntil(3_000);
    expect(sizes.length).toBeGreaterThanOrEqual(2);
    expect(sizes.every((n) => n === 10)).toBe(true);
  });
});

describe('lookups that come too late', () => {
  it('a lookup the caller gave up on takes no fetch: single-flight never waits on a fetch nobody makes', () => {
    // for 2 s the cache node answers 50 ms late, after the caller's 10 ms timeout: the callers go to the
    // origin, which fails half of them fast (nothing is filled); the late lookups still reach the node
    // after their callers ended, and must not leave those keys marked as being fetched
    const r = run(`name: late
duration: 20s
workloads: [{ name: w, to: api.get, arrivals: poisson(1000/s) }]
keys:
  k: { count: 100000, popularity: zipf(0.8) }
caches:
  l2: { kind: shared, capacity: 1000, ttl: 1s, coalesce: true, timeout: 10ms }
services:
  api: { replicas: 2, cores: 4, endpoints: { get: { keys: k, cache: l2, cpu: 0.1ms, calls: [db] } } }
  db: { cores: 16, cpu: 1ms, errors: 50% }
faults:
  - { at: 5s, for: 2s, latency: l2, add: 50ms }
`);
    expect(r.caches.l2.errors).toBeGreaterThan(1000); // the timeouts
    // every request ends: none waits forever on a fetch that was never made
    expect(r.requests.inFlight).toBeLessThan(20);
    expect(r.requests.completed + r.requests.failed).toBe(r.requests.started - r.requests.inFlight);
  });
});

describe('key spaces', () => {
  it('hotset(10% keys get 90% requests) sends 90% of requests to the first tenth of the keys', () => {
    const world = new Run(spec(oneKey('', 'cache: l1', '{ count: 1000, popularity: hotset(10% keys get 90% requests) }'))).world;
    const keys = world.service('api').endpoints.get('get')!.keys!;
    let hot = 0;
    for (let i = 0; i < 100_000; i++) if (keys.draw() < 100) hot++;
    // binomial(100000, 0.9): sd 95
    expect(Math.abs(hot - 90_000)).toBeLessThan(500);
  });

  it('each endpoint draws keys from its own stream: adding a replica does not change the keys asked for', () => {
    const keysOf = (yaml: string) => {
      const w = new Run(spec(yaml)).world;
      const ks = w.service('api').endpoints.get('get')!.keys!;
      return Array.from({ length: 20 }, () => ks.draw());
    };
    const base = oneKey('', 'cache: l1', '{ count: 100000, popularity: zipf(0.9) }');
    expect(keysOf(base.replace('replicas: 1', 'replicas: 3'))).toEqual(keysOf(base));
  });

  it('same scenario and seed: the same report', () => {
    const yaml = oneKey('', 'cache: [l1, l2]', '{ count: 5000, popularity: zipf(0.9), writes: 5% }');
    expect(JSON.stringify({ ...run(yaml, 3), engine: null })).toBe(JSON.stringify({ ...run(yaml, 3), engine: null }));
  });
});

describe('a shared cache per region (locality)', () => {
  const twoRegions = (locality: string) => `name: regions
duration: 20s
warmup: 5s
regions: { us: [dc1], eu: [dc1] }
network: { sameDatacenter: 0.1ms, crossRegion: 40ms }
workloads:
  - { name: us, from: us/dc1, to: api.get, arrivals: poisson(500/s) }
  - { name: eu, from: eu/dc1, to: api.get, arrivals: poisson(500/s) }
keys: { k: { count: 1000, popularity: zipf(1.0) } }
caches:
  l2: { kind: shared, replicas: { us/dc1: 2, eu/dc1: 2 }, capacity: 1000, coalesce: true, locality: ${locality} }
services:
  api:
    replicas: { us/dc1: 2, eu/dc1: 2 }
    locality: region
    endpoints: { get: { keys: k, cache: l2, cpu: 0.2ms, calls: [db] } }
  db: { replicas: { us/dc1: 1, eu/dc1: 1 }, locality: region, cores: 8, cpu: 5ms }
`;

  it('with locality: region every lookup stays in the region, and each region keeps its own copy of the hot keys', () => {
    const run = new Run(spec(twoRegions('region')));
    const report = run.runToEnd();
    expect(report.network!.hops.crossRegion).toBe(0);
    expect(report.latencyMs.p50!).toBeLessThan(1);
    // the hottest key is held once in each region
    const holders = run.world.service('l2').replicas.filter((r) => run.world.caches[0].copyAt(r)!.store.has(0, run.world.sim.nowMs));
    expect(holders.map((r) => r.location.region).sort()).toEqual(['eu', 'us']);
  });

  it('without it, keys are spread over every node: about half the lookups cross the ocean (80 ms there and back)', () => {
    const report = runScenario(spec(twoRegions('none')));
    const lookups = report.caches.l2.lookups;
    // a lookup that crosses is two cross-region messages; fills and writes add a few more
    expect(report.network!.hops.crossRegion / 2 / lookups).toBeGreaterThan(0.3);
    expect(report.latencyMs.mean!).toBeGreaterThan(20);
    expect(report.latencyMs.p90!).toBeGreaterThan(80);
  });
});
