import { describe, expect, it } from 'vitest';
import { loadScenario } from '../run/api.js';
import { scenarioTotals } from './totals.js';

const scenario = (caches: string, catalogReplicas: number) =>
  loadScenario({
    name: 'totals.yaml',
    text: `name: totals
workloads: [{ name: w, to: catalog, arrivals: poisson(10/s) }]
keys: { products: { count: 100000, popularity: zipf(0.9) } }
caches: ${caches}
services:
  catalog: { replicas: ${catalogReplicas}, keys: products, cache: [l1, l2], cpu: 1ms }
`,
  });

describe('lesson totals', () => {
  it('counts a cache budget over every copy: a local cache once per replica, a shared one once per node', () => {
    const spec = scenario('{ l1: { kind: local, capacity: 100 }, l2: { kind: shared, replicas: 3, capacity: 1000 } }', 2);
    // 2 replicas x 100 in-process entries + 3 nodes x 1,000: what the scenario can hold
    expect(scenarioTotals(spec).cacheEntries).toBe(2 * 100 + 3 * 1000);
    expect(scenarioTotals(spec).caches).toBe(2);
    // the shared cache's nodes are a service of their own: counted in the replicas and cores too
    expect(scenarioTotals(spec)).toMatchObject({ replicas: 2 + 3, cores: 2 + 3 });
  });

  it('a budget on entries cannot be dodged by spreading a cache over more nodes', () => {
    const one = scenario('{ l1: { kind: local, capacity: 10 }, l2: { kind: shared, replicas: 1, capacity: 4000 } }', 1);
    const four = scenario('{ l1: { kind: local, capacity: 10 }, l2: { kind: shared, replicas: 4, capacity: 1000 } }', 1);
    expect(scenarioTotals(four).cacheEntries).toBe(scenarioTotals(one).cacheEntries);
  });
});
