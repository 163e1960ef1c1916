// The fanout section: count, each and wait load into the spec; each mistake is one message at its place.
import { describe, expect, it } from 'vitest';
import { loadScenarioText } from './load.js';
import { problems } from '../test-support/scenario-problems.js';

const withCall = (call: string) => `name: f
workloads: [{ name: w, to: front, arrivals: poisson(10/s) }]
services:
  front: { calls: [${call}] }
  leaf: { replicas: 3, cpu: 1ms }
`;

describe('count, each and wait in the spec', () => {
  it('builds a fan-out only where a call has count or each', () => {
    const spec = loadScenarioText(withCall('{ to: leaf, count: 3, wait: { first: 2, cancelRest: true } }, leaf'), 'f.yaml');
    const [[counted], [plain]] = spec.services.front.endpoints.default.steps;
    expect(counted.fanout).toEqual({ count: 3, each: false, wait: { kind: 'first', first: 2, cancelRest: true } });
    expect(plain.fanout).toBeNull();
    const each = loadScenarioText(withCall('{ to: leaf, each: replica, wait: { fraction: 95%, within: 50ms } }'), 'f.yaml');
    expect(each.services.front.endpoints.default.steps[0][0].fanout).toEqual({
      count: 1,
      each: true,
      wait: { kind: 'fraction', fraction: 0.95, withinMs: 50, cancelRest: false },
    });
  });
});

describe('bad fan-outs: one message each, with its place', () => {
  it('a count of 0, or not a whole number', () => {
    expect(problems(withCall('{ to: leaf, count: 0 }'))).toEqual([
      'bad.yaml:4:39: services.front.calls[0].count: expected a number >= 1, found 0',
    ]);
    expect(problems(withCall('{ to: leaf, count: 2.5 }'))).toHaveLength(1);
  });

  it('each with another value than replica', () => {
    expect(problems(withCall('{ to: leaf, each: shard }'))).toEqual([
      'bad.yaml:4:38: services.front.calls[0].each: expected one of replica, found "shard"',
    ]);
  });

  it('count and each together', () => {
    expect(problems(withCall('{ to: leaf, count: 3, each: replica }'))).toEqual([
      'bad.yaml:4:42: services.front.calls[0].each: expected either count: <n> or each: replica on one call, found both count and each',
    ]);
  });

  it('a quorum larger than the fan-out', () => {
    expect(problems(withCall('{ to: leaf, count: 3, wait: { first: 4 } }'))).toEqual([
      'bad.yaml:4:57: services.front.calls[0].wait.first: expected a quorum of at most the 3 copies of the call, found 4',
    ]);
  });

  it('a wait on a call made once, or a wait of neither kind, or half of a fraction', () => {
    expect(problems(withCall('{ to: leaf, wait: { first: 1 } }'))).toEqual([
      'bad.yaml:4:32: services.front.calls[0].wait: expected wait on a call made several times (count: <n> or each: replica), found wait on a call made once',
    ]);
    expect(problems(withCall('{ to: leaf, count: 3, wait: { cancelRest: true } }'))).toEqual([
      'bad.yaml:4:48: services.front.calls[0].wait: expected wait: { first: <k> } or wait: { fraction: <p>, within: <duration> }, found neither first nor fraction',
    ]);
    expect(problems(withCall('{ to: leaf, count: 3, wait: { fraction: 90% } }'))).toEqual([
      'bad.yaml:4:48: services.front.calls[0].wait: expected both fraction and within (answer with that fraction of the copies once within has passed), found fraction without within',
    ]);
    expect(problems(withCall('{ to: leaf, count: 3, wait: { first: 2, within: 5ms } }'))).toHaveLength(1);
    expect(problems(withCall('{ to: leaf, count: 3, wait: { fraction: 0%, within: 5ms } }'))).toEqual([
      'bad.yaml:4:60: services.front.calls[0].wait.fraction: expected a fraction of the copies above 0%, found 0%',
    ]);
  });

  it('count on an entry that is not a call (a saga start)', () => {
    const yaml = `name: f
workloads: [{ name: w, to: front, arrivals: poisson(10/s) }]
sagas: { s: { orchestrator: leaf, steps: [{ action: leaf }] } }
services:
  front: { calls: [{ saga: s, count: 2 }] }
  leaf: { cpu: 1ms }
`;
    expect(problems(yaml)).toEqual([
      'bad.yaml:5:31: services.front.calls[0].count: expected count or each on a call (to: service.endpoint), found count on a saga',
    ]);
  });
});
