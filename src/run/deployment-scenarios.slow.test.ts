// What the deployment scenarios (issue 17) show: container CPU limits, autoscaling, cost.
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../scenario/load.js';
import { type Override, parseSetFlag } from '../scenario/overrides.js';
import { runScenario } from './run.js';

const dir = new URL('../../scenarios/', import.meta.url).pathname;

describe('what the container-limits scenario shows', () => {
  it('the same load and CPU work: a 1-core limit below the burst parallelism makes the tail', () => {
    const r = runScenario(loadScenarioFile(`${dir}container-limits.yaml`));
    const free = r.workloads.free.latencyMs;
    const limited = r.workloads.limited.latencyMs;
    // free: 20 ms, 40 ms when a burst lands on the one before (7.7% of them)
    expect(Math.abs(free.p50! - 20)).toBeLessThanOrEqual(0.01); // percentiles within 0.05%
    expect(free.p99!).toBeLessThanOrEqual(40.1);
    // limited: no burst fits one period's quota (160 > 100 core-ms), and bursts queue for quota
    expect(limited.p50!).toBeGreaterThan(5 * free.p50!);
    expect(limited.p99!).toBeGreaterThan(10 * free.p99!);
    expect(r.throttling!['limited-search'].throttledShare!).toBeGreaterThan(0.5);
    expect(r.throttling!.free).toBeUndefined();
  });
});

describe('what the autoscaling scenario shows', () => {
  it('the HPA answers a 5x spike after its sync period and the cold start; p99 spikes meanwhile; it scales down after 300 s', () => {
    const r = runScenario(loadScenarioFile(`${dir}autoscaling.yaml`));
    const a = r.autoscaler!.api;
    const [first] = a.decisions;
    // the spike at 60 s is seen at the sync at 75 s: 2 replicas 100% busy, target 60%: ceil(2 x 1.0 / 0.6) = 4
    expect(first).toMatchObject({ atMs: 75_000, from: 2, to: 4 });
    expect(first.metric).toBeGreaterThan(0.95);
    // the first added replicas are ready 20 s later (the cold start)
    const ready4 = a.replicasOverTime.find((p) => p.ready === 4)!;
    expect(ready4.atMs).toBe(95_000);
    // enough capacity for 500/s at 60% is ceil(5 / 0.6 / 2) = 5 replicas; it settles at 5 or 6 and comes back to 2
    expect(Math.max(...a.replicasOverTime.map((p) => p.replicas))).toBeGreaterThanOrEqual(5);
    expect(a.decisions.at(-1)!.to).toBe(2);
    // the scale-down takes the highest recommendation of the last 300 s: those of the spike (5 replicas for 500/s)
    // hold it at 5 or more until 300 s after the load fell at 240 s
    for (const d of a.decisions) if (d.to < d.from && d.to < 5) expect(d.atMs).toBeGreaterThanOrEqual(240_000 + 300_000);
    expect(r.latencyMs.p99!).toBeGreaterThan(1000);
    // replicas are paid while up: replica-seconds x $0.10 an hour
    expect(r.costUsd!.byService.api).toBeCloseTo((a.replicaSeconds / 3600) * 0.1, 6);
  });

  it('a faster cold start shortens the spike, at about the same cost', () => {
    const slow = runScenario(loadScenarioFile(`${dir}autoscaling.yaml`));
    const fast = runScenario(loadScenarioFile(`${dir}autoscaling.yaml`, [parseSetFlag('services.api.coldStart=2s') as Override]));
    expect(fast.latencyMs.p99!).toBeLessThan(slow.latencyMs.p99! / 2);
  });
});
