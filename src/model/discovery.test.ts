import { describe, expect, it } from 'vitest';
import { Run } from '../run/run.js';
import { loadScenarioText } from '../scenario/load.js';
import { nullListener } from './listener.js';
import { Outcome } from './span.js';

const yaml = (delay: string) => `name: discovery
duration: 30s
${delay}
workloads: [{ name: w, to: front, arrivals: poisson(400/s) }]
services:
  front: { cores: 4, cpu: 0.2ms, calls: [back] }
  back: { replicas: 4, cores: 2, cpu: exp(mean=2ms) }
`;

/** Run, killing back#0 at 10 s; return the times of connection errors (requests sent to a dead replica). */
function connectionErrors(delay: string): { times: number[]; report: ReturnType<Run['report']> } {
  const run = new Run(loadScenarioText(yaml(delay), 'd.yaml'));
  const times: number[] = [];
  run.addListener({
    ...nullListener,
    spanRefused: (s) => s.outcome === Outcome.Unavailable && s.replica !== null && times.push(run.world.sim.nowMs),
  });
  run.advance(10_000);
  run.intervene('kill-replica', 'back');
  run.runToEnd();
  return { times, report: run.report() };
}

describe('service discovery', () => {
  it('produces connection errors only inside its window after a replica dies', () => {
    const { times, report } = connectionErrors('discovery: { delay: 5s }');
    // round-robin sends 1 in 4 calls to the dead replica until callers learn of it: ~400/s x 5 s / 4
    expect(times.length).toBeGreaterThan(400);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(10_000);
    expect(Math.max(...times)).toBeLessThan(15_000);
    expect(report.services.back.connectionErrors).toBe(times.length);
    expect(report.requests.failed).toBeGreaterThanOrEqual(times.length);
  });

  it('without a delay, callers stop at once and there are no connection errors', () => {
    const { times, report } = connectionErrors('');
    expect(times).toEqual([]);
    expect(report.services.back.connectionErrors).toBe(0);
  });

  it('a new replica takes traffic only once callers discover it', () => {
    const run = new Run(loadScenarioText(yaml('discovery: { delay: 2s }'), 'd.yaml'));
    run.advance(5000);
    run.intervene('add-replica', 'back');
    const added = run.world.service('back').replicas[4];
    run.advance(1900);
    expect(added.inSystem + run.metrics.services[1].replicas[4].busy.integral(run.world.sim.nowMs)).toBe(0);
    run.advance(1000);
    expect(run.metrics.services[1].replicas[4].busy.integral(run.world.sim.nowMs)).toBeGreaterThan(0);
  });
});
