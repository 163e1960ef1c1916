// Bad input in the deployment fields (issue 17): CPU limits, autoscaling, GC, memory, cost: one located message per problem.
import { describe, expect, it } from 'vitest';
import { loadScenarioText } from '../load.js';
import type { ScenarioError } from '../problems.js';

/** The problems of a scenario, as "line:column path: expected / found" lines. */
function problemsOf(yaml: string): string[] {
  try {
    loadScenarioText(yaml, 't.yaml');
  } catch (err) {
    return (err as ScenarioError).problems.map((p) => `${p.line}:${p.column} ${p.path.join('.')}: ${p.expected} / ${p.found}`);
  }
  return [];
}

/** A scenario whose service `s` has `fields` (YAML flow mapping entries). */
const withService = (fields: string) => `name: t
workloads: [{ name: w, to: s, arrivals: poisson(10/s) }]
services:
  s: { cpu: 1ms, ${fields} }
`;

describe('cpuLimit and cfsPeriod', () => {
  it('load into the spec, with the Linux default period', () => {
    const spec = loadScenarioText(withService('cpuLimit: 1.5'), 't.yaml');
    expect(spec.services.s).toMatchObject({ cpuLimit: 1.5, cfsPeriodMs: 100 });
    expect(loadScenarioText(withService('cpuLimit: 2, cfsPeriod: 20ms'), 't.yaml').services.s.cfsPeriodMs).toBe(20);
    expect(Object.keys(loadScenarioText(withService('cores: 2'), 't.yaml').services.s)).not.toContain('cpuLimit');
  });

  it('a limit of 0 or below', () => {
    expect(problemsOf(withService('cpuLimit: 0'))).toEqual(['4:28 services.s.cpuLimit: a number > 0 / 0']);
    expect(problemsOf(withService('cpuLimit: -1'))).toEqual(['4:28 services.s.cpuLimit: a number > 0 / -1']);
  });

  it('a period without a limit, or of 0', () => {
    expect(problemsOf(withService('cfsPeriod: 50ms'))).toEqual([
      '4:18 services.s.cfsPeriod: a cpuLimit with it (the period is that of the CPU quota) / cfsPeriod and no cpuLimit',
    ]);
    expect(problemsOf(withService('cpuLimit: 1, cfsPeriod: 0'))).toEqual([
      '4:42 services.s.cfsPeriod: a period above 0, such as 100ms / 0',
    ]);
  });
});

describe('cost', () => {
  it('loads, and is absent from the spec without it', () => {
    expect(loadScenarioText(withService('cost: { perReplicaHour: 0.05 }'), 't.yaml').services.s.cost).toEqual({ perReplicaHourUsd: 0.05 });
    expect(Object.keys(loadScenarioText(withService('cores: 2'), 't.yaml').services.s)).not.toContain('cost');
  });

  it('a negative price, an unknown field', () => {
    expect(problemsOf(withService('cost: { perReplicaHour: -1 }'))).toEqual(['4:42 services.s.cost.perReplicaHour: a number >= 0 / -1']);
    expect(problemsOf(withService('cost: { perHour: 1 }'))).toEqual([
      '4:24 services.s.cost.perReplicaHour: a number (the field "perReplicaHour" is required) / nothing',
      '4:26 services.s.cost.perHour: one of the fields perReplicaHour / unknown field "perHour"',
    ]);
  });
});

describe('autoscale and coldStart', () => {
  it('load with the Kubernetes defaults', () => {
    const s = loadScenarioText(withService('autoscale: { max: 10, target: { utilization: 70% } }, coldStart: 3s'), 't.yaml').services.s;
    expect(s.autoscale).toEqual({
      min: 1,
      max: 10,
      metric: 'utilization',
      target: 0.7,
      everyMs: 15_000,
      tolerance: 0.1,
      scaleUp: { stabilizationMs: 0, maxPods: 4, maxPercent: 1, periodMs: 15_000 },
      scaleDown: { stabilizationMs: 300_000, maxPods: null, maxPercent: 1, periodMs: 15_000 },
    });
    expect(s.coldStart).toEqual({ kind: 'constant', valueMs: 3000 });
  });

  it('min above max; no target or two; a target of 0; a cold start without autoscale', () => {
    expect(problemsOf(withService('autoscale: { min: 5, max: 2, target: { rps: 100 } }'))).toEqual([
      '4:36 services.s.autoscale.min: at most max (2) / 5',
    ]);
    expect(problemsOf(withService('autoscale: { max: 2, target: {} }'))).toEqual([
      '4:47 services.s.autoscale.target: exactly one of utilization, inFlight, rps / none',
    ]);
    expect(problemsOf(withService('autoscale: { max: 2, target: { rps: 1, inFlight: 2 } }'))).toEqual([
      '4:47 services.s.autoscale.target: exactly one of utilization, inFlight, rps / inFlight and rps',
    ]);
    expect(problemsOf(withService('autoscale: { max: 2, target: { utilization: 0 } }'))).toEqual([
      '4:62 services.s.autoscale.target.utilization: a share of the cores above 0, such as 70% / 0',
    ]);
    expect(problemsOf(withService('autoscale: { max: 2, target: { rps: -1 } }'))).toEqual([
      '4:54 services.s.autoscale.target.rps: a number > 0 / -1',
    ]);
    expect(problemsOf(withService('coldStart: 5s'))).toEqual([
      '4:18 services.s.coldStart: an autoscale: with it (the cold start is that of the replicas the autoscaler adds) / coldStart and no autoscale',
    ]);
  });
});
