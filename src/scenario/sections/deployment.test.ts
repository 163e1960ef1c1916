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
