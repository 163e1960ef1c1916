// What the deployment scenarios (issue 17) show: container CPU limits, autoscaling, cost.
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../scenario/load.js';
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
