// Fault attribution: which workload requests each fault's section counts.
import { describe, expect, it } from 'vitest';
import { nullListener } from '../../model/listener.js';
import { Outcome, type RootRequest } from '../../model/span.js';
import { Run } from '../../run/run.js';
import { loadScenarioText } from '../../scenario/load.js';

const twoReplicas = (fault: string) => `name: r
duration: 20s
faults: [${fault}]
workloads: [{ name: w, to: a, arrivals: constant(20/s) }]
services: { a: { replicas: 2, balancer: round-robin, cpu: 10ms } }
`;

describe('the faults section', () => {
  it('counts, for a cpu fault on one replica (a#1), the requests that replica served while it was slow, and only those', () => {
    const run = new Run(loadScenarioText(twoReplicas('{ at: 5s, for: 10s, cpu: a#1, factor: 4 }'), 'f.yaml'));
    // the reference: requests whose span arrived at a#1 inside the window
    const atSlow = new Set<RootRequest>();
    const ended: { root: RootRequest; ms: number }[] = [];
    run.addListener({
      ...nullListener,
      spanArrived: (s) => {
        const now = run.world.sim.nowMs;
        if (s.replica?.index === 1 && now >= 5_000 && now < 15_000) atSlow.add(s.root);
      },
      requestFinished: (r) => {
        if (r.outcome === Outcome.Ok) ended.push({ root: r, ms: r.endMs - r.intendedMs });
      },
    });
    const report = run.runToEnd();
    const f = report.faults[0];
    expect(f).toMatchObject({ kind: 'cpu', target: 'a#1' });
    expect(atSlow.size).toBeGreaterThanOrEqual(99); // round-robin: every other request of 10 s at 20/s
    expect(f.requests).toBe(atSlow.size);
    expect(f.errorRate).toBe(0);
    // each of them ran at a quarter speed: 40 ms; the other replica's 10 ms ones are not among them
    const slowMs = ended.filter((e) => atSlow.has(e.root)).map((e) => e.ms);
    expect(Math.min(...slowMs)).toBeCloseTo(40, 6);
    expect(f.latencyMs.p50!).toBeGreaterThan(39.9);
    expect(f.latencyMs.max!).toBeCloseTo(40, 1);
  });

  it('a cpu fault on a whole service still counts every request it reached', () => {
    const report = new Run(loadScenarioText(twoReplicas('{ at: 5s, for: 10s, cpu: a, factor: 4 }'), 'f.yaml')).runToEnd();
    expect(report.faults[0].requests).toBeGreaterThanOrEqual(200);
    expect(report.faults[0].requests).toBeLessThanOrEqual(202);
  });
});
