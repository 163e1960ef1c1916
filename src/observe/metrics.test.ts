import { describe, expect, it } from 'vitest';
import { assemble } from '../model/assemble.js';
import { loadScenarioText } from '../scenario/load.js';
import { caches } from './features/caches.js';
import { calls } from './features/calls.js';
import { faults } from './features/faults.js';
import { FEATURES } from './features/index.js';
import { network } from './features/network.js';
import { LiveMetrics } from './live-metrics.js';
import { MetricsCollector, createCollector } from './metrics.js';
import { reportSchema } from './report.js';

const world = (yaml: string) => assemble(loadScenarioText(`name: t\nduration: 10s\n${yaml}`, 't.yaml'));

const ALONE = 'workloads: [{ name: w, to: a, arrivals: poisson(10/s) }]\nservices: { a: { cpu: 1ms } }\n';
const CALLS_AND_FAULTS = `workloads: [{ name: w, to: a, arrivals: poisson(10/s) }]
services: { a: { cpu: 1ms, calls: [b] }, b: { cpu: 1ms } }
faults: [{ at: 2s, for: 1s, kill: b }]
`;

describe('the metrics collector and the features', () => {
  it('runs a listener method through the core alone when no feature collector in the world implements it', () => {
    const m = createCollector(world(ALONE), MetricsCollector);
    for (const f of [calls, faults, caches, network]) expect(m.part(f)).toBeNull();
    for (const method of ['spanArrived', 'spanFinished', 'spanRefused', 'requestFinished', 'busyChanged', 'waitingChanged'] as const)
      expect(m[method]).toBe(MetricsCollector.prototype[method]);
    expect(m.hopSent).toBe(MetricsCollector.prototype.hopSent);
  });

  it('hooks each feature collector into the methods it implements, and only those', () => {
    const m = createCollector(world(CALLS_AND_FAULTS), MetricsCollector);
    expect(m.part(calls)).not.toBeNull();
    expect(m.part(faults)).not.toBeNull();
    // calls and faults see arrivals; only faults see ends of requests; no one here sees the cores
    expect(m.spanArrived).not.toBe(MetricsCollector.prototype.spanArrived);
    expect(m.requestFinished).not.toBe(MetricsCollector.prototype.requestFinished);
    expect(m.busyChanged).toBe(MetricsCollector.prototype.busyChanged);
    expect(m.cacheEvent).toBe(MetricsCollector.prototype.cacheEvent);
    expect(m).toBeInstanceOf(MetricsCollector);
  });

  it('gives the live collector its features live collectors too, and the report collector none', () => {
    const yaml = `workloads: [{ name: w, to: a, arrivals: poisson(10/s) }]
regions: { us: [a, b] }
network: { sameDatacenter: 0.1ms, crossDatacenter: 1ms }
services: { a: { cpu: 1ms } }
`;
    const live = createCollector(world(yaml), LiveMetrics);
    expect(live).toBeInstanceOf(LiveMetrics);
    expect(live.livePart(network)).not.toBeNull();
    expect(createCollector(world(yaml), MetricsCollector).livePart(network)).toBeNull();
  });

  it('puts every feature section in the report schema once, with names that do not collide', () => {
    const keys = FEATURES.flatMap((f) => Object.keys(f.report.shape));
    expect(new Set(keys).size).toBe(keys.length);
    for (const k of keys) expect(Object.keys(reportSchema.shape)).toContain(k);
    expect(new Set(FEATURES.map((f) => f.name)).size).toBe(FEATURES.length);
  });
});
