// The fixed benchmark models, shared by `npm run bench` and `npm run bench:ui`.

export interface BenchModel {
  name: string;
  yaml: string;
}

export const MM1_MODEL: BenchModel = {
  name: 'M/M/1 at rho 0.8 (10^6 requests)',
  yaml: `name: bench-mm1
duration: 12500s
workloads: [{ name: w, to: s, arrivals: poisson(80/s) }]
services:
  s: { cpu: exp(mean=10ms) }
`,
};

/**
 * The reference call graph: a gateway (4 cores) calls two backends in parallel (8 cores each),
 * then a database (2 cores); every station at utilization 0.65; 2600 requests/s for 385 s.
 */
export const CALL_GRAPH_MODEL: BenchModel = {
  name: 'call graph: gateway -> [backend1, backend2] -> db (10^6 requests)',
  yaml: `name: bench-graph
duration: 385s
workloads: [{ name: w, to: gateway, arrivals: poisson(2600/s) }]
services:
  gateway: { cores: 4, cpu: exp(mean=1ms), calls: [[backend1, backend2], db] }
  backend1: { cores: 8, cpu: exp(mean=2ms) }
  backend2: { cores: 8, cpu: exp(mean=2ms) }
  db: { cores: 2, cpu: exp(mean=0.5ms) }
`,
};

/** The same call graph with every hop taking 0.1 ms each way, client included (the reference model exactly). */
export const CALL_GRAPH_HOPS_MODEL: BenchModel = {
  name: 'call graph with 0.1 ms hops (10^6 requests)',
  yaml: CALL_GRAPH_MODEL.yaml.replace('name: bench-graph\n', 'name: bench-graph-hops\nnetwork: { sameDatacenter: 0.1ms }\n'),
};

/**
 * Caches at scale: a million keys with Zipf(0.9) popularity, 5% writes, an in-process LRU L1
 * in each of 8 replicas and a shared L2 on 4 nodes (a million entries in all) in front of a
 * database; 2500 requests/s for 400 s (10^6 requests). Memory must follow the caches'
 * capacity, not the key space.
 */
export const CACHE_MODEL: BenchModel = {
  name: 'caches: 10^6 keys, L1 x8 + shared L2 x4, 5% writes (10^6 requests)',
  yaml: `name: bench-cache
duration: 400s
workloads: [{ name: w, to: api.get, arrivals: poisson(2500/s) }]
keys:
  items: { count: 1000000, popularity: zipf(0.9), writes: 5% }
caches:
  l1: { kind: local, capacity: 20000, ttl: 60s }
  l2: { kind: shared, replicas: 4, capacity: 250000, ttl: 10m, coalesce: true }
services:
  api: { replicas: 8, cores: 4, endpoints: { get: { keys: items, cache: [l1, l2], cpu: exp(mean=1ms), calls: [db] } } }
  db: { cores: 16, cpu: exp(mean=5ms) }
`,
};

/**
 * Circuit breakers: 5,000 calls/s from a gateway to a backend (1% errors) through a Hystrix
 * breaker (a 10 s time window: 25,000 outcomes in it) in each of the gateway's 2 replicas;
 * 200 s (10^6 requests). Paired with the same calls without the breaker: the breaker's cost.
 */
export const BREAKER_MODEL: BenchModel = {
  name: 'breakers: 5,000 calls/s through a hystrix breaker (10^6 requests)',
  yaml: `name: bench-breaker
duration: 200s
workloads: [{ name: w, to: gateway, arrivals: poisson(5000/s) }]
services:
  gateway: { replicas: 2, cores: 2, cpu: exp(mean=0.1ms), calls: [{ to: backend, breaker: { preset: hystrix } }] }
  backend: { cores: 8, cpu: exp(mean=1ms), errors: 1% }
`,
};

/** The breaker model's calls without the breaker. */
export const NO_BREAKER_MODEL: BenchModel = {
  name: 'the same calls without a breaker (10^6 requests)',
  yaml: BREAKER_MODEL.yaml
    .replace('name: bench-breaker', 'name: bench-no-breaker')
    .replace('{ to: backend, breaker: { preset: hystrix } }', 'backend'),
};

/**
 * Size without more work per request: `services / 10` independent trees of 10 services
 * (a root calling three children, each calling two leaves... 1 + 3 + 6 = 10), 1,000 workload
 * requests/s in all spread over the trees, each service at a light load. The cost per span
 * (per service visit) should not grow with the number of services.
 */
export function treesModel(services: number, durationS: number): BenchModel {
  const trees = Math.max(1, Math.floor(services / 10));
  const rate = 1000 / trees;
  const lines: string[] = [`name: bench-trees-${services}`, `duration: ${durationS}s`, 'workloads:'];
  for (let t = 0; t < trees; t++) lines.push(`  - { name: w${t}, to: t${t}r, arrivals: poisson(${rate}/s) }`);
  lines.push('services:');
  for (let t = 0; t < trees; t++) {
    lines.push(`  t${t}r: { cpu: exp(mean=0.1ms), calls: [[t${t}a, t${t}b, t${t}c]] }`);
    for (const m of ['a', 'b', 'c']) {
      lines.push(`  t${t}${m}: { cpu: exp(mean=0.1ms), calls: [[t${t}${m}1, t${t}${m}2]] }`);
      for (const l of ['1', '2']) lines.push(`  t${t}${m}${l}: { cpu: exp(mean=0.1ms) }`);
    }
  }
  return { name: `${trees * 10} services: ${trees} trees of 10, 1,000 requests/s in all`, yaml: `${lines.join('\n')}\n` };
}

/**
 * Sagas: 2,500 sagas/s of four steps, each step a call that takes 1 s (0.5 s hops each way), so
 * about 10,000 sagas are in flight at once; 200 s (5 x 10^5 sagas). Paired with the same calls
 * made by a plain endpoint's four steps: what running them as a saga costs.
 */
export const SAGA_MODEL: BenchModel = {
  name: 'sagas: 2,500/s of 4 steps, 10,000 in flight (5 x 10^5 sagas)',
  yaml: `name: bench-saga
duration: 200s
network: { sameDatacenter: 500ms }
workloads: [{ name: w, to: front, arrivals: poisson(2500/s) }]
sagas:
  s:
    orchestrator: orch
    steps:
      - { action: a.do, compensate: a.undo }
      - { action: b.do, compensate: b.undo }
      - { action: c.do, pivot: true }
      - { action: d.do, retriable: true }
services:
  front: { cores: 4, cpu: exp(mean=0.1ms), calls: [{ saga: s }] }
  orch: { cores: 4, endpoints: { run: { cpu: 0, calls: [a.do, b.do, c.do, { to: d.do, retry: { attempts: 5, backoff: exponential(base=100ms, cap=5s), on: [error, timeout, rejected] } }] } } }
  a: { cores: 4, endpoints: { do: { cpu: exp(mean=0.2ms) }, undo: { cpu: exp(mean=0.2ms) } } }
  b: { cores: 4, endpoints: { do: { cpu: exp(mean=0.2ms) }, undo: { cpu: exp(mean=0.2ms) } } }
  c: { cores: 4, endpoints: { do: { cpu: exp(mean=0.2ms) } } }
  d: { cores: 4, endpoints: { do: { cpu: exp(mean=0.2ms) } } }
`,
};

/** The saga model's calls without the saga: the orchestrator's plain endpoint makes the same four calls in turn (the last with the retry policy a retriable step gets by default). */
export const NO_SAGA_MODEL: BenchModel = {
  name: 'the same calls without a saga (5 x 10^5 requests)',
  yaml: SAGA_MODEL.yaml.replace('name: bench-saga', 'name: bench-no-saga').replace('calls: [{ saga: s }]', 'calls: [orch.run]'),
};
