// Repeated and scatter-gather calls: copies spread over distinct replicas, one to each up replica, quorums, partial answers and cancelled copies.
import { describe, expect, it } from 'vitest';
import { runScenario } from '../run/run.js';
import { loadScenarioText } from '../scenario/load.js';

const run = (yaml: string, seed?: number) => runScenario(loadScenarioText(yaml, 'fanout.yaml'), seed === undefined ? {} : { seed });

const utilizations = (r: ReturnType<typeof run>, svc: string) => r.services[svc].perReplica.map((p) => p.utilization ?? Number.NaN);

describe('count: n', () => {
  const scenario = (count: number, replicas: number) => `name: count
duration: 20s
warmup: 2s
workloads: [{ name: w, to: front, arrivals: constant(50/s) }]
services:
  front: { cpu: 0.1ms, calls: [{ to: leaf, count: ${count} }] }
  leaf: { replicas: ${replicas}, cores: 64, balancer: random, cpu: 2ms }
`;
  it('sends n copies of the call to n distinct replicas, even with a random balancer', () => {
    const r = run(scenario(10, 10));
    expect(r.fanouts!['front->leaf'].copies).toBe(10 * r.fanouts!['front->leaf'].gathers);
    // every request puts exactly one copy on every leaf: their busy times agree to a request or two at the window's edges
    const u = utilizations(r, 'leaf');
    const perRequest = 2 / 1000 / 64; // one copy's share of a replica's 64 cores over a second
    for (const x of u) expect(Math.abs(x - u[0])).toBeLessThanOrEqual((2 * perRequest) / 18);
    expect(r.edges['front->leaf'].calls).toBe(r.fanouts!['front->leaf'].copies);
  });

  it('spreads more copies than replicas evenly (balanced): 25 copies over 10 replicas are 2 or 3 each', () => {
    const u = utilizations(run(scenario(25, 10)), 'leaf');
    const mean = u.reduce((a, b) => a + b, 0) / u.length;
    for (const x of u) expect(Math.abs(x / mean - 1)).toBeLessThan(0.25); // 2 or 3 of 2.5 per request, over 900 requests
  });

  it('waits for every copy: the step ends with the slowest', () => {
    const r = run(`name: all
duration: 10s
workloads: [{ name: w, to: front, arrivals: constant(10/s) }]
services:
  front: { calls: [{ to: leaf, count: 3 }] }
  leaf: { replicas: 3, endpoints: { default: { cpu: 5ms } } }
`);
    expect(r.latencyMs.p50).toBeCloseTo(5, 1);
  });
});

describe('each: replica', () => {
  it('calls every up replica once; a killed replica is left out once callers know', () => {
    const r = run(`name: each
duration: 20s
warmup: 1s
workloads: [{ name: w, to: front, arrivals: constant(10/s) }]
faults: [{ at: 10s, kill: "shard#0" }]
services:
  front: { calls: [{ to: shard, each: replica }] }
  shard: { replicas: 4, cpu: 1ms }
`);
    const f = r.fanouts!['front->shard'];
    // 90 requests with 4 shards up, then 100 with 3
    expect(f.gathers).toBeGreaterThanOrEqual(189);
    expect(f.copies).toBeGreaterThanOrEqual(4 * 89 + 3 * 99);
    expect(f.copies).toBeLessThanOrEqual(4 * 91 + 3 * 101);
    expect(r.requests.failed).toBeLessThanOrEqual(1); // at most one in flight at the kill
  });
});

describe('wait', () => {
  const quorum = (wait: string, leafCpu = 'exp(mean=10ms)') => `name: quorum
duration: 30s
warmup: 1s
workloads: [{ name: w, to: front, arrivals: poisson(20/s) }]
services:
  front: { calls: [{ to: leaf, count: 5, wait: ${wait} }] }
  leaf: { replicas: 5, cores: 64, cpu: ${leafCpu} }
`;
  it('first: k answers with the k-th success; the others run on (their work counted), their answers dropped', () => {
    const r = run(quorum('{ first: 2 }'));
    const f = r.fanouts!['front->leaf'];
    expect(f.partial).toBeGreaterThan(0.99 * f.gathers); // 3 copies still out when 2 are in (ties aside)
    expect(f.cancelled).toBe(0);
    expect(r.services.leaf.requests.completed).toBeGreaterThanOrEqual(f.copies - 5 * 2); // every copy ran (bar the last requests)
    expect(r.requests.failed).toBe(0);
  });

  it('cancelRest: the copies still out are cancelled (their answers dropped, their calls not made)', () => {
    const r = run(quorum('{ first: 1, cancelRest: true }', 'exp(mean=10ms)'));
    const f = r.fanouts!['front->leaf'];
    expect(f.cancelled).toBeGreaterThan(3.9 * f.gathers);
    expect(r.requests.failed).toBe(0);
  });

  it("a quorum that cannot be met fails the step with the copies' failure", () => {
    const r = run(`name: failing
duration: 10s
workloads: [{ name: w, to: front, arrivals: constant(10/s) }]
services:
  front: { calls: [{ to: leaf, count: 3, wait: { first: 2 } }] }
  leaf: { replicas: 3, cpu: 1ms, errors: 0.9 }
`);
    const f = r.fanouts!['front->leaf'];
    // P(at least 2 of 3 succeed) with p = 0.1: 3 x 0.01 x 0.9 + 0.001 = 0.028
    expect(f.failed / f.gathers).toBeGreaterThan(0.9);
    expect(r.requests.failed).toBe(f.failed);
  });

  it('fraction within: past the deadline, answers once the fraction is in, with copies still out (a partial answer)', () => {
    // each of 4 copies is fast (1 ms) with p = 0.75, else slow (100 to 300 ms, after the 50 ms deadline). Waiting for 3 of 4:
    // all 4 fast (0.75^4 = 0.316) is a whole answer; otherwise the third success comes with a copy still out (ties have
    // probability 0), a partial answer: p = 0.684. Over ~990 fan-outs the binomial SD of the share is 0.015; 4.5 SD: 0.067.
    const r = run(`name: fraction
duration: 100s
warmup: 1s
workloads: [{ name: w, to: front, arrivals: constant(10/s) }]
services:
  front: { calls: [{ to: leaf, count: 4, wait: { fraction: 75%, within: 50ms } }] }
  leaf: { replicas: 4, cores: 64, cpu: "mix(0.75: 1ms, 0.25: uniform(min=100ms, max=300ms))" }
`);
    const f = r.fanouts!['front->leaf'];
    expect(Math.abs(f.partial / f.gathers - (1 - 0.75 ** 4))).toBeLessThan(0.067);
    expect(f.failed).toBe(0);
  });
});
