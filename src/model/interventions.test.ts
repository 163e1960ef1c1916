import { describe, expect, it } from 'vitest';
import { Run, runScenario } from '../run/run.js';
import { loadScenarioText } from '../scenario/load.js';

const yaml = `name: iv
duration: 20s
workloads:
  - { name: shop, to: front, arrivals: poisson(200/s) }
  - { name: users, to: other, arrivals: closed(users=4, think=exp(mean=10ms)) }
services:
  front: { replicas: 2, cores: 2, cpu: exp(mean=1ms), calls: [back] }
  back: { replicas: 3, cpu: 10ms }
  other: { cpu: 1ms }
`;
const spec = loadScenarioText(yaml, 'iv.yaml');
const strip = <T extends { engine: unknown }>(r: T) => ({ ...r, engine: null });

describe('interventions', () => {
  it('kill: the replica goes down, its requests fail as unavailable, traffic moves to the others', () => {
    const run = new Run(spec);
    const victim = run.world.service('back').replicas[0];
    run.advance(5000);
    while (victim.inSystem < 2) run.advance(1); // a moment when it holds work
    const killedAtMs = run.world.sim.nowMs;
    const inSystem = victim.inSystem;
    expect(inSystem).toBeGreaterThan(0);
    const entry = run.intervene('kill-replica', 'back');
    expect(entry.text).toBe(`killed back#0 (${inSystem} requests in it failed)`);
    const before = victim.inSystem;
    expect(before).toBe(0);
    run.runToEnd();
    const r = run.report();
    expect(r.services.back.perReplica.map((p) => p.up)).toEqual([false, true, true]);
    expect(r.services.back.requests.failed).toBe(inSystem);
    expect(r.requests.failed).toBe(inSystem);
    expect(victim.inSystem).toBe(0);
    // two replicas of 10 ms at 200/s: 100% busy; requests keep completing
    expect(r.services.back.perReplica[1].utilization).toBeGreaterThan(0.4);
    expect(r.interventions).toEqual([{ atMs: killedAtMs, action: 'kill-replica', target: 'back#0' }]);
  });

  it('with every replica killed, calls fail at once (unavailable)', () => {
    const run = new Run(spec);
    run.advance(2000);
    for (let i = 0; i < 3; i++) run.intervene('kill-replica', 'back');
    expect(run.intervene('kill-replica', 'back').text).toBe('back: no replica is up');
    run.advance(1000);
    const failedBefore = run.metrics.total.counts.failed;
    run.advance(1000);
    // ~200 requests a second arrive, and all of them fail
    expect(run.metrics.total.counts.failed - failedBefore).toBeGreaterThan(150);
    expect(run.metrics.total.counts.completed).toBe(run.report().requests.completed);
  });

  it('add and remove replicas; the last one cannot be removed', () => {
    const run = new Run(spec);
    run.advance(1000);
    expect(run.intervene('add-replica', 'back').text).toBe('added back#3: 4 of 4 replicas up');
    expect(run.intervene('remove-replica', 'other').text).toBe('other: cannot remove its last replica (k kills it)');
    expect(run.intervene('remove-replica', 'front').text).toMatch(/^removed front#1 \(draining its \d+ requests?\): 1 up$/);
    run.runToEnd();
    expect(run.report().services.back.replicas).toBe(4);
    expect(run.report().services.back.perReplica[3].utilization).toBeGreaterThan(0.3);
  });

  it('slow multiplies CPU by 3 and injected errors fail about 20%', () => {
    const base = runScenario(spec);
    const run = new Run(spec);
    run.intervene('toggle-slow', 'other');
    run.intervene('toggle-errors', 'back');
    const r = run.runToEnd();
    expect(r.services.other.latencyMs.p50).toBeGreaterThan(2.9);
    expect(base.services.other.latencyMs.p50).toBeLessThan(1.1);
    const n = r.services.back.requests.completed + r.services.back.requests.failed;
    expect(Math.abs(r.services.back.requests.failed / n - 0.2)).toBeLessThan(4 * Math.sqrt(0.16 / n));
    // toggling again turns them off
    expect(run.interventions.map((i) => i.action)).toEqual(['slow-on', 'errors-on']);
  });

  it('double-load doubles the workloads that reach the service, and only those', () => {
    const run = new Run(spec);
    run.advance(10_000);
    const shopBefore = run.metrics.workloads[0].counts.started;
    expect(run.intervene('double-load', 'back').text).toBe('doubled the load of shop (reaching back)');
    run.runToEnd();
    const shopAfter = run.metrics.workloads[0].counts.started - shopBefore;
    // 10 s at 200/s, then 10 s at 400/s (Poisson: SD ~ 63 over 4000)
    expect(Math.abs(shopAfter - 4000)).toBeLessThan(4 * Math.sqrt(4000));
    expect(run.intervene('double-load', 'other').text).toMatch(/doubled the load of users/);
  });
});

describe('replay', () => {
  it('reproduces a run with interventions exactly, whatever the slicing of the original', () => {
    // the "live" run: odd slices, interventions between them, quit early
    const live = new Run(spec, { seed: 5 });
    const slices = [333.3, 1000, 17, 2500.25, 640, 5, 1200];
    const actions: [number, Parameters<Run['intervene']>[0], string][] = [
      [1, 'add-replica', 'back'],
      [3, 'kill-replica', 'back'],
      [4, 'toggle-slow', 'front'],
      [4, 'double-load', 'front'],
      [5, 'toggle-errors', 'back'],
      [6, 'kill-replica', 'front'],
    ];
    slices.forEach((ms, i) => {
      live.advance(ms, i === 2 ? 50 : Infinity); // one slice cut by an event budget, mid-time
      for (const [at, intent, svc] of actions) if (at === i) live.intervene(intent, svc);
    });
    live.stop();
    const original = live.report();
    expect(original.interventions).toHaveLength(6);
    expect(original.simulatedMs).toBeLessThan(20_000);

    const replayed = runScenario(spec, { seed: original.seed, replay: original.interventions, endMs: original.simulatedMs });
    expect(JSON.stringify(strip(replayed))).toBe(JSON.stringify(strip(original)));
  });
});

describe('flush-caches', () => {
  it('empties the caches a service holds; fetches in progress still end; it is replayed like any what-if', () => {
    const cached = `name: flush
duration: 20s
workloads: [{ name: w, to: api.get, arrivals: poisson(500/s) }]
keys: { k: { count: 1000, popularity: zipf(1.0) } }
caches:
  l1: { kind: local, capacity: 100, coalesce: true }
  l2: { kind: shared, replicas: 2, capacity: 1000, coalesce: true }
services:
  api: { replicas: 2, endpoints: { get: { keys: k, cache: [l1, l2], cpu: 0.5ms, calls: [db] } } }
  db: { cores: 8, cpu: 10ms }
`;
    const run = new Run(loadScenarioText(cached, 'flush.yaml'));
    run.advance(5_000);
    const l2 = run.world.service('l2');
    expect(run.world.caches[1].copyAt(l2.replicas[0])!.store.size).toBeGreaterThan(100);
    const entry = run.intervene('flush-caches', 'l2');
    expect(entry.text).toMatch(/^flushed the caches held by l2: \d+ entries dropped/);
    expect(l2.replicas.every((r) => run.world.caches[1].copyAt(r)!.store.size === 0)).toBe(true);
    expect(run.world.caches[0].copyAt(run.world.service('api').replicas[0])!.store.size).toBe(100); // the L1s are untouched
    expect(run.intervene('flush-caches', 'db').text).toMatch(/db: it holds no cache/);
    const report = run.runToEnd();
    expect(report.requests.inFlight).toBeLessThan(20); // nobody waits forever on a fetch
    expect(report.interventions).toEqual([{ atMs: 5_000, action: 'flush-caches', target: 'l2' }]);
    const again = new Run(loadScenarioText(cached, 'flush.yaml'), { replay: report.interventions }).runToEnd();
    expect({ ...again, engine: null }).toEqual({ ...report, engine: null });
  });
});
