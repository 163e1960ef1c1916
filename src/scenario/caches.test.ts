import { describe, expect, it } from 'vitest';
import { runScenario } from '../run/run.js';
import { parsePopularity } from './sections/caches.js';
import { loadScenarioFile, loadScenarioText } from './load.js';
import { type Override, parseSetFlag } from './overrides.js';
import { problems } from '../test-support/scenario-problems.js';

const FIXTURE = new URL('./fixtures/issue-6-example.yaml', import.meta.url).pathname;

describe('the cache example of issue 6', () => {
  it('loads as written and runs', () => {
    const spec = loadScenarioFile(FIXTURE);
    expect(spec.keys.products).toEqual({ name: 'products', count: 200_000, popularity: { kind: 'zipf', exponent: 0.9 }, writes: 0.02 });
    expect(spec.caches['product-l1']).toMatchObject({
      kind: 'local',
      capacity: 2000,
      eviction: 'lru',
      ttlMs: 30_000,
      hit: { kind: 'constant', valueMs: 0.02 },
      coalesce: false,
      onWrite: 'invalidate',
    });
    expect(spec.caches['product-l2']).toMatchObject({
      kind: 'shared',
      capacity: 50_000,
      ttlMs: 300_000,
      hit: { kind: 'exponential', meanMs: 0.3 },
      coalesce: true,
    });
    // a shared cache becomes a service of its own, with get, set and del
    expect(spec.services['product-l2']).toMatchObject({ replicas: 2, cores: 1, cache: 'product-l2' });
    expect(Object.keys(spec.services['product-l2'].endpoints)).toEqual(['get', 'set', 'del']);
    expect(spec.services.catalog.endpoints.product).toMatchObject({ keys: 'products', cache: ['product-l1', 'product-l2'] });
    const r = runScenario(spec);
    expect(r.requests.failed).toBe(0);
    expect(r.caches['product-l1'].hitRatio).toBeGreaterThan(0.2);
    expect(r.cachedEndpoints['catalog.product'].originLoadReduction).toBeGreaterThan(0.3);
  });
});

describe('popularity syntax', () => {
  it('reads zipf, uniform and hotset in both spellings', () => {
    expect(parsePopularity('zipf(0.9)')).toEqual({ ok: true, value: { kind: 'zipf', exponent: 0.9 } });
    expect(parsePopularity('zipf(s=1.1)')).toEqual({ ok: true, value: { kind: 'zipf', exponent: 1.1 } });
    expect(parsePopularity('uniform')).toEqual({ ok: true, value: { kind: 'uniform' } });
    expect(parsePopularity('hotset(10% keys get 90% requests)')).toEqual({
      ok: true,
      value: { kind: 'hotset', keyShare: 0.1, requestShare: 0.9 },
    });
    expect(parsePopularity('hotset(1%, 50%)')).toEqual({ ok: true, value: { kind: 'hotset', keyShare: 0.01, requestShare: 0.5 } });
  });
  it('refuses the rest, saying what it expected', () => {
    expect(parsePopularity('zipf(0)')).toMatchObject({ ok: false, expected: expect.stringMatching(/uniform/) });
    expect(parsePopularity('zipf()')).toMatchObject({ ok: false });
    expect(parsePopularity('zipf(-1)')).toMatchObject({ ok: false, expected: expect.stringMatching(/> 0/) });
    expect(parsePopularity('hotset(10%)')).toMatchObject({ ok: false });
    expect(parsePopularity('pareto')).toMatchObject({ ok: false, expected: expect.stringMatching(/zipf\(<exponent>\)/) });
    expect(parsePopularity(0.9)).toMatchObject({ ok: false, found: '0.9 (a number)' });
  });
});

describe('bad cache settings: one message each, at the field', () => {
  it('catches unknown key spaces and caches (with suggestions), a cache without keys, and misplaced options', () => {
    const out = problems(`name: t
duration: 10s
workloads: [{ name: w, to: api.get, arrivals: poisson(10/s) }]
keys:
  products: { count: 1000, popularity: zipf(0.9) }
caches:
  l1: { kind: local, capacity: 100, replicas: 2, refreshAhead: 10% }
  api: { kind: shared, capacity: 100 }
  l2: { kind: shared, capacity: 0, eviction: lfru, ttl: 5 }
services:
  api:
    endpoints:
      get: { keys: prodcts, cache: [l1, l3], cpu: 1ms }
      put: { cache: l1, cpu: 1ms }
      dup: { keys: products, cache: [l1, l1], cpu: 1ms }
      plain: { onWrite: update, cpu: 1ms }
`);
    expect(out).toEqual([
      'bad.yaml:7:37: caches.l1.replicas: expected "replicas" only on a shared cache (a local cache lives in each replica of the services that use it), found "replicas" on a local cache',
      'bad.yaml:7:50: caches.l1.refreshAhead: expected refreshAhead together with a ttl (it is a share of the TTL), found no ttl on this cache',
      'bad.yaml:8:3: caches.api: expected a shared cache named apart from the services (it becomes a service of its own), found "api", also a service',
      'bad.yaml:9:33: caches.l2.capacity: expected a number >= 1, found 0',
      'bad.yaml:9:46: caches.l2.eviction: expected one of lru, lfu, fifo, random, found "lfru"; did you mean "lru"?',
      'bad.yaml:9:57: caches.l2.ttl: expected a duration with a unit (ns, us, ms, s, m, h, d), such as 5ms, found 5 (a number without a unit)',
      'bad.yaml:13:20: services.api.endpoints.get.keys: expected a key space (products), found "prodcts"; did you mean "products"?',
      'bad.yaml:13:41: services.api.endpoints.get.cache[1]: expected a cache (l1, api, l2), found "l3"',
      'bad.yaml:14:14: services.api.endpoints.put.cache: expected keys: <key space> on the endpoint as well (which key each request asks for), found a cache without keys',
      'bad.yaml:15:42: services.api.endpoints.dup.cache[1]: expected each cache once in the lookup order, found "l1" a second time',
      'bad.yaml:16:16: services.api.endpoints.plain.onWrite: expected onWrite together with cache: on the endpoint (it says what writes do to the cached key), found no cache on this endpoint',
    ]);
  });

  it('refuses a bad popularity and key counts beyond 32 bits in all', () => {
    const out = problems(`name: t
workloads: [{ name: w, to: api, arrivals: poisson(10/s) }]
keys:
  a: { count: 1000000000, popularity: zipf(zero) }
  b: { count: 1000000000 }
  c: { count: 1000000000 }
services:
  api: { cpu: 1ms }
`);
    expect(out).toEqual([
      'bad.yaml:3:1: keys: expected at most 2147483647 keys in all key spaces together, found 3000000000',
      'bad.yaml:4:39: keys.a.popularity: expected a Zipf exponent, such as zipf(0.9), found "zipf(zero)"',
    ]);
  });

  it('shared caches can be fault targets; a cache and its options can be set from the command line', () => {
    const spec = loadScenarioFile(FIXTURE, [parseSetFlag('caches.product-l2.coalesce=false') as Override]);
    expect(spec.caches['product-l2'].coalesce).toBe(false);
    const withFault = loadScenarioText(
      `name: t
workloads: [{ name: w, to: api, arrivals: poisson(10/s) }]
keys: { k: { count: 10 } }
caches: { c: { kind: shared, replicas: 2, capacity: 10 } }
services:
  api: { keys: k, cache: c, cpu: 1ms }
faults:
  - { at: 1s, kill: c#1 }
`,
      'ok.yaml',
    );
    expect(withFault.faults).toEqual([{ atMs: 1000, forMs: null, kind: 'kill', target: 'c#1' }]);
  });
});

describe('cache memory', () => {
  it('refuses caches that would not fit in memory, naming the largest, at its capacity', () => {
    const out = problems(`name: t
workloads: [{ name: w, to: api, arrivals: poisson(10/s) }]
keys: { k: { count: 100000000 } }
caches:
  big: { kind: local, capacity: 1000000 }
  small: { kind: shared, capacity: 1000 }
services:
  api: { replicas: 30, keys: k, cache: [big, small], cpu: 1ms }
`);
    expect(out).toEqual([
      'bad.yaml:5:33: caches.big.capacity: expected at most 20,000,000 cache entries in all (capacity x copies; about 33 bytes each, held in memory), found 30,001,000, big alone 1,000,000 x 30 replicas',
    ]);
  });

  it('counts no more entries than the keys that reach a cache', () => {
    // a million entries per copy, but only 1,000 keys: 30 x 1,000 entries at most
    const spec = loadScenarioText(
      `name: t
workloads: [{ name: w, to: api, arrivals: poisson(10/s) }]
keys: { k: { count: 1000 } }
caches: { big: { kind: local, capacity: 10000000 } }
services:
  api: { replicas: 30, keys: k, cache: big, cpu: 1ms }
`,
      'ok.yaml',
    );
    expect(spec.caches.big.capacity).toBe(10_000_000);
    expect(spec.caches.big.entriesPerCopy).toBe(1000);
  });
});
