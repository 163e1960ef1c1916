import { describe, expect, it } from 'vitest';
import { Run, runScenario } from '../run/run.js';
import { nullListener } from './listener.js';
import { loadScenarioText } from '../scenario/load.js';
import { ScenarioError, formatProblem } from '../scenario/problems.js';

const run = (yaml: string, seed = 1) => runScenario(loadScenarioText(yaml, 'net.yaml'), { seed });

describe('network hops', () => {
  const mm1 = (network: string) => `name: link
duration: 300s
warmup: 20s
regions: { east: [dc1], west: [dc1] }
${network}
workloads: [{ name: w, from: west/dc1, to: s, arrivals: poisson(80/s) }]
services:
  s: { replicas: { east/dc1: 1 }, cpu: exp(mean=10ms) }
`;
  it('a constant link of L added to an M/M/1 service raises every request latency, hence mean and percentiles, by exactly 2L', () => {
    // Same seed, same arrival and service streams: the queue sees the same requests, each shifted by L.
    const latencies = (yaml: string) => {
      const run = new Run(loadScenarioText(yaml, 'net.yaml'), { seed: 1 });
      const byIntended = new Map<number, number>();
      run.addListener({ ...nullListener, requestFinished: (r) => byIntended.set(r.intendedMs, r.endMs - r.intendedMs) });
      return { report: run.runToEnd(), byIntended };
    };
    const base = latencies(mm1('network: { crossRegion: 0 }'));
    const linked = latencies(mm1('network: { links: { east~west: 17ms } }'));
    let compared = 0;
    for (const [t, ms] of linked.byIntended) {
      const b = base.byIntended.get(t);
      if (b === undefined) continue;
      expect(Math.abs(ms - (b + 34))).toBeLessThan(1e-9);
      compared++;
    }
    expect(compared).toBeGreaterThan(20_000);
    // in the reports, only requests straddling the end differ (in flight in one run, done in the other)
    const missing = base.report.requests.completed - linked.report.requests.completed;
    expect(missing).toBeGreaterThanOrEqual(0);
    expect(missing).toBeLessThan(10);
    for (const k of ['mean', 'p50', 'p90', 'p99'] as const) {
      const want = base.report.latencyMs[k]! + 34;
      expect(Math.abs(linked.report.latencyMs[k]! - want) / want, k).toBeLessThan(0.001);
    }
    expect(linked.report.services.s.latencyMs.mean).toBeCloseTo(base.report.services.s.latencyMs.mean!, 1); // the wire is not the service
  });

  it('counts hops by class exactly for a deterministic call graph, with bytes and cost', () => {
    const r = run(`name: hops
duration: 10s
regions: { us: [a, b], eu: [a] }
network: { sameDatacenter: 0.1ms, crossDatacenter: 1ms, crossRegion: 40ms }
workloads: [{ name: w, from: us/a, to: front, arrivals: constant(100/s), schedule: [{ at: 9s, rate: 0.001/s }] }]
services:
  front: { replicas: { us/a: 1 }, cores: 8, cpu: 1ms, calls: [[local, other-dc], far], requestKB: 2 }
  local: { replicas: { us/a: 1 }, cores: 8, cpu: 1ms, responseKB: 4 }
  other-dc: { replicas: { us/b: 1 }, cores: 8, cpu: 1ms }
  far: { replicas: { eu/a: 1 }, cores: 8, cpu: 1ms, requestKB: 1, responseKB: 1 }
`);
    // arrivals every 10 ms until 9 s, then none: every request has finished by the end
    const n = r.requests.started;
    expect(n).toBe(900);
    expect(r.requests.completed).toBe(n);
    // per request: client->front and back, front->local and back (same datacenter); front->other-dc and back; front->far and back
    expect(r.network!.hops).toEqual({ sameDatacenter: 4 * n, crossDatacenter: 2 * n, crossRegion: 2 * n });
    expect(r.network!.bytes).toEqual({ sameDatacenter: n * (2 + 4) * 1024, crossDatacenter: 0, crossRegion: n * 2 * 1024 });
    expect(r.network!.bytesByRegionPair).toEqual({ 'us->eu': n * 1024, 'eu->us': n * 1024 });
    // latency is exact: 0.1 + 1 + max(0.1 + 1 + 0.1, 1 + 1 + 1) + (40 + 1 + 40) + 0.1 = 85.2 ms
    expect(Math.abs(r.latencyMs.p50! - 85.2) / 85.2).toBeLessThanOrEqual(0.0005);
    expect(r.latencyMs.max!).toBeCloseTo(85.2, 6);
    // crossRegion at $0.02/GB, crossDatacenter carries no bytes here
    const cost = (r.network!.bytes.crossRegion / 2 ** 30) * 0.02;
    expect(Math.abs(r.network!.costUsd - cost) / cost).toBeLessThan(1e-5); // reports round to 6 significant digits
  });

  it('without a network section hops are instantaneous and the report says so', () => {
    const r = run(`name: none\nduration: 5s\nworkloads: [{ name: w, to: s, arrivals: constant(10/s) }]\nservices: { s: { cpu: 5ms } }\n`);
    expect(r.network).toBeNull();
    expect(r.latencyMs.max).toBe(5);
  });
});

describe('locality', () => {
  const yaml = (locality: string) => `name: loc
duration: 20s
regions: { us: [a, b], eu: [a] }
network: { sameDatacenter: 0.2ms, crossDatacenter: 1ms, crossRegion: 35ms }
workloads: [{ name: w, from: us/a, to: front, arrivals: poisson(200/s) }]
services:
  front: { replicas: { us/a: 2 }, cores: 4, cpu: 0.5ms, calls: [back] }
  back: { replicas: { us/a: 2, us/b: 2, eu/a: 2 }, locality: ${locality}, cores: 4, cpu: 1ms }
`;
  it('keeps every call in the caller datacenter while local replicas are up', () => {
    const r = run(yaml('datacenter'));
    expect(r.network!.hops.crossDatacenter).toBe(0);
    expect(r.network!.hops.crossRegion).toBe(0);
    expect(r.services.back.perReplica.map((p) => p.utilization! > 0)).toEqual([true, true, false, false, false, false]);
  });

  it('without locality, round-robin spreads calls over all locations', () => {
    const r = run(yaml('none'));
    expect(r.network!.hops.crossRegion).toBeGreaterThan(0);
    expect(r.latencyMs.mean!).toBeGreaterThan(20);
  });

  it('fails over to the region, then anywhere, when local replicas go down', () => {
    const live = new Run(loadScenarioText(yaml('datacenter'), 'loc.yaml'));
    live.advance(5000);
    live.intervene('kill-replica', 'back'); // back#0 (us/a)
    live.intervene('kill-replica', 'back'); // back#1 (us/a): none left in us/a
    live.advance(5000);
    const regionHops = live.metrics.network.hops[1];
    expect(regionHops).toBeGreaterThan(0); // now in us/b, across datacenters
    expect(live.metrics.network.hops[2]).toBe(0);
    live.intervene('kill-replica', 'back');
    live.intervene('kill-replica', 'back'); // none left in us
    live.advance(2000);
    expect(live.metrics.network.hops[2]).toBeGreaterThan(0); // to eu
    expect(live.report().requests.completed).toBeGreaterThan(0);
  });

  it('a call can override the callee locality', () => {
    const r = run(yaml('none').replace('calls: [back]', 'calls: [{ to: back, locality: region }]'));
    expect(r.network!.hops.crossRegion).toBe(0);
    expect(r.network!.hops.crossDatacenter).toBeGreaterThan(0);
  });
});

describe('topology validation', () => {
  const problems = (yaml: string) => {
    try {
      loadScenarioText(yaml, 'bad.yaml');
    } catch (e) {
      if (e instanceof ScenarioError) return e.problems.map(formatProblem);
      throw e;
    }
    return [];
  };
  it('checks locations, links and regions, with suggestions', () => {
    const out = problems(`name: t
regions: { us-east: [dc1, dc1], eu-west: [dc1] }
network: { links: { us-east~eu-wst: 30ms, eu-west~eu-west: 1ms }, crossRegoin: 30ms }
workloads: [{ name: w, from: eu-west/dc2, to: s, arrivals: poisson(1/s) }]
services:
  s: { replicas: { us-east/dc1: 1, us-est/dc1: 1 }, locality: regional, cpu: 1ms }
`);
    expect(out).toEqual([
      'bad.yaml:2:27: regions.us-east[1]: expected each datacenter once, found "dc1" twice in us-east',
      'bad.yaml:3:21: network.links.us-east~eu-wst: expected a pair of different regions such as us-east~eu-west, found "us-east~eu-wst"; did you mean "us-east~eu-west"?',
      'bad.yaml:3:43: network.links.eu-west~eu-west: expected a pair of different regions such as us-east~eu-west, found "eu-west~eu-west"; did you mean "us-east~eu-west"?',
      'bad.yaml:3:67: network.crossRegoin: expected one of the fields sameDatacenter, crossDatacenter, crossRegion, links, pricePerGB, bandwidth, loss, retransmitTimeout, found unknown field "crossRegoin"; did you mean "crossRegion"?',
      'bad.yaml:4:30: workloads[0].from: expected a location region/datacenter (us-east/dc1, us-east/dc1, eu-west/dc1), found "eu-west/dc2"; did you mean "eu-west/dc1"?',
      'bad.yaml:6:36: services.s.replicas.us-est/dc1: expected a location region/datacenter (us-east/dc1, us-east/dc1, eu-west/dc1), found "us-est/dc1"; did you mean "us-east/dc1"?',
      'bad.yaml:6:63: services.s.locality: expected one of none, datacenter, region, found "regional"; did you mean "region"?',
    ]);
  });
});

describe('bandwidth and loss', () => {
  const wire = (network: string) => `name: wire
duration: 200s
regions: { us: [a], eu: [a] }
network: ${network}
workloads: [{ name: w, from: us/a, to: s, arrivals: poisson(50/s) }]
services:
  s: { replicas: { eu/a: 1 }, cores: 64, cpu: 1ms, requestKB: 125, responseKB: 250 }
`;
  it('bandwidth adds the time to put a message on the wire: 8 x bytes / bits per second', () => {
    const r = run(wire('{ crossRegion: 30ms, bandwidth: { crossRegion: 1Gbps } }'));
    // 30 + 125 KB at 1 Gb/s (1.024 ms) + 1 + 30 + 250 KB (2.048 ms)
    expect(r.latencyMs.max!).toBeCloseTo(64.072, 6);
    expect(r.latencyMs.p50!).toBeCloseTo(64.072, 1);
  });

  it('each lost transmission costs a retransmission timeout; the count matches the loss rate', () => {
    const r = run(wire('{ crossRegion: 30ms, loss: { us~eu: 10% }, retransmitTimeout: 200ms }'));
    const messages = r.network!.hops.crossRegion;
    // retransmissions per message are geometric: mean p / (1 - p) = 1/9, variance p / (1 - p)^2
    const perMessage = r.network!.lossRetransmits / messages;
    expect(Math.abs(perMessage - 1 / 9)).toBeLessThan(4 * Math.sqrt(0.1 / 0.81 / messages));
    // and every one of them shows in the latency: mean = 61 ms + 200 ms x retransmits per request
    const perRequest = r.network!.lossRetransmits / (messages / 2);
    expect(r.latencyMs.mean!).toBeCloseTo(61 + 200 * perRequest, 0);
    expect(r.latencyMs.p50).toBeCloseTo(61, 0);
    expect(r.latencyMs.p99!).toBeGreaterThan(250);
  });

  it('refuses unknown loss keys', () => {
    expect(() => loadScenarioText(wire('{ loss: { crossRegon: 1% } }'), 'w.yaml')).toThrow(
      /network\.loss\.crossRegon: expected a hop class \(sameDatacenter, crossDatacenter, crossRegion\) or a region pair such as us~eu, found "crossRegon"; did you mean "crossRegion"\?/,
    );
  });
});

describe('ewma balancing', () => {
  const mixed = (balancer: string) => `name: ewma
duration: 60s
warmup: 5s
regions: { us: [a], eu: [a] }
network: { sameDatacenter: 0.1ms, crossRegion: 30ms }
workloads: [{ name: w, from: us/a, to: front, arrivals: poisson(200/s) }]
services:
  front: { replicas: { us/a: 1 }, cores: 8, cpu: 0.1ms, calls: [back] }
  back: { replicas: { us/a: 2, eu/a: 2 }, balancer: ${balancer}, cores: 2, cpu: exp(mean=2ms) }
`;
  it('learns which replicas answer faster (network included) and sends them most of the traffic', () => {
    const ewma = run(mixed('ewma'));
    const rr = run(mixed('round-robin'));
    const nearShare = (r: typeof ewma) => {
      const at = r.services.back.byLocation!;
      return at['us/a'].completed / (at['us/a'].completed + at['eu/a'].completed);
    };
    // round-robin: half the calls cross the ocean
    expect(nearShare(rr)).toBeCloseTo(0.5, 2);
    // ewma: the far pair costs ~60 ms, so a far replica wins only when both choices are far:
    // 2 of 4 replicas are far, so (2/4) x (1/3) = 1/6 of picks; near replicas get the other 5/6
    expect(Math.abs(nearShare(ewma) - 5 / 6)).toBeLessThan(0.02);
    expect(ewma.latencyMs.mean!).toBeLessThan(rr.latencyMs.mean! * 0.5);
  });

  it('peak EWMA believes a slow sample at once and forgets it over its decay time', async () => {
    const { PeakEwma, EWMA_DECAY_MS } = await import('./balancer.js');
    const e = new PeakEwma();
    e.observe(10, 0);
    e.observe(100, 1); // a peak replaces the average
    expect(e.valueMs).toBe(100);
    e.observe(10, 1 + EWMA_DECAY_MS); // one decay time later, a low sample has weight 1 - 1/e
    expect(e.valueMs).toBeCloseTo(100 / Math.E + 10 * (1 - 1 / Math.E), 9);
  });
});

describe("the geography issue's example", () => {
  it('loads and runs as written: eu shoppers stay on eu gateways, payment is across the ocean', async () => {
    const { loadScenarioFile } = await import('../scenario/load.js');
    const r = runScenario(loadScenarioFile(new URL('../scenario/fixtures/issue-4-example.yaml', import.meta.url).pathname));
    expect(r.requests.completed).toBeGreaterThan(5000);
    expect(Object.keys(r.services.gateway.byLocation!)).toEqual(['eu-west/dc1']); // locality: region
    // each request: client -> eu gateway (same dc) and back, gateway -> us-east payment and back (cross region)
    expect(r.network!.hops.crossRegion).toBeGreaterThan(2 * 0.99 * r.requests.completed);
    expect(r.latencyMs.p50!).toBeGreaterThan(70); // two 35 ms crossings
    expect(r.services.payment.rpcCpuShare!).toBeGreaterThan(0);
    expect(r.network!.costUsd).toBeGreaterThan(0);
  });
});
