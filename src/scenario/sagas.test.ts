// The sagas section: the example loads and runs; each mistake in a saga is one message at its place.
import { describe, expect, it } from 'vitest';
import { runScenario } from '../run/run.js';
import { loadScenarioFile, loadScenarioText } from './load.js';
import { problems } from '../test-support/scenario-problems.js';

const FIXTURE = new URL('./fixtures/issue-14-sagas-example.yaml', import.meta.url).pathname;

/** A scenario with this saga (its steps as YAML lines) and these calls at the front. */
const withSaga = (steps: string, calls = '[{ saga: s }]', extra = '') => `name: bad
workloads: [{ name: w, to: front, arrivals: poisson(10/s) }]
sagas:
  s:
    orchestrator: orch
    steps:
${steps}
${extra}services:
  front: { calls: ${calls} }
  orch: { cpu: 0 }
  a: { endpoints: { do: { cpu: 1ms }, undo: { cpu: 1ms } } }
  b: { endpoints: { do: { cpu: 1ms }, undo: { cpu: 1ms } } }
`;

describe("the sagas half of issue 14's example", () => {
  it('loads as written and runs', () => {
    const spec = loadScenarioFile(FIXTURE);
    const saga = spec.sagas['place-order'];
    expect(saga.orchestrator).toBe('orders');
    expect(saga.compensation).toBe('serial');
    expect(saga.steps.map((s) => s.kind)).toEqual(['compensatable', 'compensatable', 'pivot', 'retriable']);
    expect(saga.steps[1].action).toMatchObject({ service: 'payment', endpoint: 'charge', timeoutMs: 2000 });
    expect(saga.steps[1].compensate).toMatchObject({ service: 'payment', endpoint: 'refund', timeoutMs: 2000 });
    expect(saga.steps[2].compensate).toBeNull(); // a pivot's compensate never runs
    expect(saga.steps[3].action.retry).toMatchObject({ attempts: 10, backoff: { kind: 'exponential', baseMs: 100, capMs: 5000 } });
    const s = runScenario(spec).sagas!['place-order'];
    expect(s.started).toBeGreaterThan(400);
    expect(s.started).toBe(s.completed + s.compensated + s.failed + s.stuck + s.inFlight);
  });
});

describe('bad sagas: one message each, with its place', () => {
  it('a step naming an unknown endpoint', () => {
    expect(problems(withSaga('      - { action: a.do, compensate: a.undoo }'))).toEqual([
      'bad.yaml:7:37: sagas.s.steps[0].compensate: expected an endpoint of a (do, undo), found "a.undoo"; did you mean "a.undo"?',
    ]);
    expect(problems(withSaga('      - { action: c.do }'))).toEqual([
      'bad.yaml:7:19: sagas.s.steps[0].action: expected a service (front, orch, a, b), found "c", which is not a service',
    ]);
  });

  it('an orchestrator that is not a service', () => {
    expect(problems(withSaga('      - { action: a.do }').replace('orchestrator: orch', 'orchestrator: orc'))).toEqual([
      'bad.yaml:5:19: sagas.s.orchestrator: expected a service to run the saga (front, orch, a, b), found "orc", which is not a service; did you mean "orch"?',
    ]);
  });

  it('a compensate on a retriable step', () => {
    expect(
      problems(withSaga('      - { action: a.do, compensate: a.undo }\n      - { action: b.do, compensate: b.undo, retriable: true }')),
    ).toEqual([
      'bad.yaml:8:25: sagas.s.steps[1].compensate: expected compensate only on a compensatable step (before the pivot), found a compensate on a retriable step (it is retried until it succeeds, never undone)',
    ]);
  });

  it('a pivot that is not between the compensatable and the retriable steps', () => {
    expect(problems(withSaga('      - { action: a.do, pivot: true }\n      - { action: b.do, compensate: b.undo }'))).toEqual([
      'bad.yaml:8:11: sagas.s.steps[1].action: expected compensatable steps before the pivot and the retriable steps (mark this step retriable: true, or move it up), found a compensatable step after the pivot',
    ]);
    expect(problems(withSaga('      - { action: a.do, retriable: true }\n      - { action: b.do, pivot: true }'))).toEqual([
      'bad.yaml:8:25: sagas.s.steps[1].pivot: expected one pivot, between the compensatable steps and the retriable ones, found a pivot after a retriable step',
    ]);
    expect(problems(withSaga('      - { action: a.do, pivot: true }\n      - { action: b.do, pivot: true }'))).toEqual([
      'bad.yaml:8:25: sagas.s.steps[1].pivot: expected one pivot, between the compensatable steps and the retriable ones, found a second pivot',
    ]);
  });

  it('a call starting a saga that does not exist, or naming both a target and a saga, or none', () => {
    expect(problems(withSaga('      - { action: a.do }', '[{ saga: t }]'))).toEqual([
      'bad.yaml:9:28: services.front.calls[0].saga: expected a saga (s), found "t"',
    ]);
    expect(problems(withSaga('      - { action: a.do }', '[{ saga: s, to: a.do }]'))).toEqual([
      "bad.yaml:9:20: services.front.calls[0]: expected one of to, publish, saga in a step's entry, found to and saga",
    ]);
    expect(problems(withSaga('      - { action: a.do }', '[{ probability: 0.5 }]'))).toEqual([
      "bad.yaml:9:20: services.front.calls[0]: expected one of to, publish, saga in a step's entry (to: service.endpoint for a call), found none of them",
    ]);
  });

  it('resilience fields on an async saga call', () => {
    expect(problems(withSaga('      - { action: a.do }', '[{ saga: s, mode: async, timeout: 1s }]'))).toEqual([
      'bad.yaml:9:44: services.front.calls[0].timeout: expected no timeout, retry, breaker, hedge, bulkhead or fallback on an async saga call (its answer comes at once), found a timeout',
    ]);
  });
});

describe('async sagas', () => {
  it('answer the caller at once: its latency is its own, while the saga runs on and is counted', () => {
    const yaml = (mode: string) =>
      withSaga('      - { action: a.do }\n      - { action: b.do }', `[{ saga: s, mode: ${mode} }]`)
        .replace('a: { endpoints: { do: { cpu: 1ms }', 'a: { endpoints: { do: { cpu: 50ms }')
        .replace('name: bad\n', 'name: async\nduration: 20s\n')
        .replace('front: {', 'front: { cpu: 1ms,')
        .replace('a: {', 'a: { cores: 8,');
    const sync = runScenario(loadScenarioText(yaml('sync'), 'sync.yaml'));
    const async = runScenario(loadScenarioText(yaml('async'), 'async.yaml'));
    expect(sync.latencyMs.p50!).toBeGreaterThan(50);
    expect(async.latencyMs.p50!).toBeLessThan(2);
    expect(async.sagas!.s.completed).toBeGreaterThan(150);
    expect(async.sagas!.s.completed).toBe(sync.sagas!.s.completed);
  });
});
