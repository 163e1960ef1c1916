import { describe, expect, it } from 'vitest';
import { runScenario } from '../../run/run.js';
import { pointMetrics } from '../../run/point-metrics.js';
import { loadScenarioText } from '../../scenario/load.js';

const run = (yaml: string) => runScenario(loadScenarioText(yaml, 'cost.yaml'));

describe('costUsd', () => {
  it('replica-hours x price over the measured window, and per 30 days', () => {
    const r = run(`name: c
duration: 2h
warmup: 1h
workloads: [{ name: w, to: s, arrivals: poisson(1/s) }]
services:
  s: { replicas: 3, cpu: 1ms, cost: { perReplicaHour: 0.1 } }
  t: { cpu: 1ms }
`);
    // 3 replicas x 1 measured hour x $0.10; 720 hours in 30 days
    expect(r.costUsd).toEqual({ total: 0.3, perMonth: 216, byService: { s: 0.3 }, byNodePool: {}, network: 0, replicaHours: { s: 3 } });
    expect(pointMetrics(r)['costUsd.total']).toBe(0.3);
  });

  it('a replica killed for 30 minutes is not paid for meanwhile', () => {
    const r = run(`name: c
duration: 1h
workloads: [{ name: w, to: s, arrivals: poisson(1/s) }]
services:
  s: { replicas: 2, cpu: 1ms, cost: { perReplicaHour: 1 } }
faults:
  - { at: 10m, for: 30m, kill: "s#1" }
`);
    expect(r.costUsd!.replicaHours.s).toBeCloseTo(1.5, 6);
    expect(r.costUsd!.total).toBeCloseTo(1.5, 6);
  });

  it('is absent without a price or a network, so those reports keep their keys', () => {
    const r = run(`name: c
duration: 1s
workloads: [{ name: w, to: s, arrivals: poisson(1/s) }]
services:
  s: { cpu: 1ms }
`);
    expect('costUsd' in r).toBe(false);
    expect(pointMetrics(r)['costUsd.total']).toBeUndefined();
  });
});
