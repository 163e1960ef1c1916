// Request mixes: `mix:` on a workload loads, runs with each entry's share, and reports per workload and entry; each mistake is one message.
import { describe, expect, it } from 'vitest';
import { runScenario } from '../run/run.js';
import { loadScenarioText } from './load.js';
import { problems } from '../test-support/scenario-problems.js';

const withWorkload = (workload: string) => `name: mix
duration: 60s
warmup: 2s
workloads:
  - ${workload}
services:
  home: { endpoints: { read: { cpu: 2ms } } }
  user: { endpoints: { read: { cpu: 1ms } } }
  compose: { endpoints: { post: { cpu: 5ms } } }
`;

describe('a request mix', () => {
  const yaml = withWorkload('{ name: users, mix: { home.read: 60%, user.read: 30%, compose.post: 10% }, arrivals: poisson(100/s) }');

  it('loads its entries with their weights; the workload targets its first entry', () => {
    const w = loadScenarioText(yaml, 'mix.yaml').workloads[0];
    expect(w.mix).toEqual([
      { service: 'home', endpoint: 'read', weight: 0.6 },
      { service: 'user', endpoint: 'read', weight: 0.3 },
      { service: 'compose', endpoint: 'post', weight: 0.1 },
    ]);
    expect([w.service, w.endpoint]).toEqual(['home', 'read']);
  });

  it('sends each request to one entry by weight, and reports each entry', () => {
    const r = runScenario(loadScenarioText(yaml, 'mix.yaml'));
    const m = r.mixes!.users;
    const started = r.workloads.users.requests.started;
    expect(m['home.read'].requests.started + m['user.read'].requests.started + m['compose.post'].requests.started).toBe(started);
    // ~5,800 requests: the binomial SD of a share is at most 0.0066; 4.5 SD = 0.03
    for (const [entry, weight] of [
      ['home.read', 0.6],
      ['user.read', 0.3],
      ['compose.post', 0.1],
    ] as const) {
      expect(m[entry].weight).toBe(weight);
      expect(Math.abs(m[entry].share! - weight)).toBeLessThan(0.03);
    }
    expect(m['compose.post'].latencyMs.p50).toBeCloseTo(5, 1);
    expect(m['user.read'].latencyMs.p50).toBeCloseTo(1, 1);
    expect(r.services.compose.requests.completed).toBe(m['compose.post'].requests.completed);
  });

  it('a workload without a mix has no mixes section', () => {
    expect(
      runScenario(loadScenarioText(withWorkload('{ name: w, to: home.read, arrivals: poisson(10/s) }'), 'w.yaml')).mixes,
    ).toBeUndefined();
  });
});

describe('bad mixes: one message each, with its place', () => {
  it('weights that do not sum to 100%', () => {
    expect(problems(withWorkload('{ name: u, mix: { home.read: 60%, user.read: 30% }, arrivals: poisson(1/s) }'))).toEqual([
      'bad.yaml:5:21: workloads[0].mix: expected weights that sum to 100%, found a sum of 90%',
    ]);
  });

  it('an entry that is not an endpoint', () => {
    expect(problems(withWorkload('{ name: u, mix: { home.reed: 50%, user.read: 50% }, arrivals: poisson(1/s) }'))).toEqual([
      'bad.yaml:5:23: workloads[0].mix.home.reed: expected an endpoint of home (read), found "home.reed"; did you mean "home.read"?',
    ]);
  });

  it('both to and mix, or neither', () => {
    expect(problems(withWorkload('{ name: u, to: home.read, mix: { home.read: 100% }, arrivals: poisson(1/s) }'))).toEqual([
      'bad.yaml:5:31: workloads[0].mix: expected a target: to: service.endpoint, or a request mix (mix: { service.endpoint: 60%, ... }), found both to and mix',
    ]);
    expect(problems(withWorkload('{ name: u, arrivals: poisson(1/s) }'))).toEqual([
      'bad.yaml:5:5: workloads[0]: expected a target: to: service.endpoint, or a request mix (mix: { service.endpoint: 60%, ... }), found neither to nor mix',
    ]);
  });

  it('a weight that is not a probability', () => {
    expect(problems(withWorkload('{ name: u, mix: { home.read: 150% }, arrivals: poisson(1/s) }'))).toHaveLength(1);
  });
});
