import { describe, expect, it } from 'vitest';
import { Run } from '../run/run.js';
import { loadScenarioText } from '../scenario/load.js';
import { nullListener } from './listener.js';

const yaml = (breaker: string) => `name: breaker
duration: 40s
workloads: [{ name: w, to: a, arrivals: constant(100/s) }]
services:
  a: { cores: 8, cpu: 0.1ms, calls: [{ to: b, breaker: ${breaker} }] }
  b: { replicas: 2, cores: 8, cpu: 1ms }
`;

/** Kill every replica of b at 10 s; count the attempts that reach b (or its dead replicas) afterwards. */
function killedBehindBreaker(breaker: string) {
  const run = new Run(loadScenarioText(yaml(breaker), 'b.yaml'));
  const sentAfterKill: number[] = [];
  run.addListener({ ...nullListener, spanRefused: (s) => s.service.name === 'b' && sentAfterKill.push(run.world.sim.nowMs) });
  run.advance(10_000);
  run.intervene('kill-replica', 'b');
  run.intervene('kill-replica', 'b');
  const report = run.runToEnd();
  return { report, sentAfterKill };
}

describe('circuit breakers in the model', () => {
  it('in front of a killed service, stop nearly all calls while open and let exactly one probe through per half-open (hystrix)', () => {
    const { report, sentAfterKill } = killedBehindBreaker('{ preset: hystrix, scope: service }');
    const b = report.breakers['a->b'];
    expect(b.transitions[0]).toMatchObject({ from: 'closed', to: 'open' });
    // Hystrix judges the 10 s rolling window: 1000 successes before the kill, so failures reach
    // 50% five seconds after it (at 100 calls a second)
    const openedAt = b.transitions[0].atMs;
    expect(openedAt).toBeCloseTo(15_000, -1);
    const beforeOpen = sentAfterKill.filter((t) => t <= openedAt);
    expect(beforeOpen.length).toBeCloseTo(500, -1);
    // then: open 5 s -> half-open -> one probe fails -> open again: probes at 20, 25, 30 and 35 s
    const probes = sentAfterKill.filter((t) => t > openedAt);
    expect(probes.length).toBe(b.transitions.filter((t) => t.to === 'halfOpen').length);
    expect(probes.length).toBe(4);
    expect(b.state).toBe('open');
    expect(b.openMs).toBeGreaterThan(24_900);
    // everything else failed fast, without touching b
    expect(report.edges['a->b'].breakerRejected).toBeCloseTo(2500 - 4, -1);
  });

  it('closes again when the probe succeeds', () => {
    const run = new Run(loadScenarioText(yaml('{ preset: hystrix, scope: service }'), 'b.yaml'));
    run.advance(10_000);
    run.intervene('kill-replica', 'b');
    run.intervene('kill-replica', 'b');
    run.advance(6_000); // the breaker opened at about 15 s
    run.intervene('add-replica', 'b');
    run.runToEnd();
    const t = run.report().breakers['a->b'].transitions.map((x) => `${x.from}->${x.to}`);
    expect(t).toEqual(['closed->open', 'open->halfOpen', 'halfOpen->closed']);
  });

  it('live per calling replica by default; b turns them off and on', () => {
    const run = new Run(loadScenarioText(yaml('{ preset: opossum }').replace('a: { cores: 8', 'a: { replicas: 2, cores: 8'), 'b.yaml'));
    run.advance(5_000);
    expect(run.intervene('toggle-breakers', 'a').text).toBe('a: circuit breakers off (every call goes through)');
    run.intervene('kill-replica', 'b');
    run.intervene('kill-replica', 'b');
    run.advance(5_000);
    expect(run.intervene('toggle-breakers', 'a').text).toBe('a: circuit breakers on');
    run.runToEnd();
    const r = run.report();
    expect(Object.keys(r.breakers).sort()).toEqual(['a#0->b', 'a#1->b']);
    // off for 5 s after the kill: those calls all went to b
    expect(r.edges['a->b'].attempts).toBeGreaterThan(5 * 100 + 500);
  });

  it('the issue example breaker settings load (resilience4j preset with overrides)', () => {
    const spec = loadScenarioText(yaml('{ preset: resilience4j, failureRate: 50%, window: 20, open: 5s, halfOpenCalls: 3 }'), 'b.yaml');
    const cfg = spec.services.a.endpoints.default.steps[0][0].breaker!.config;
    expect(cfg).toEqual({
      windowKind: 'count',
      windowSize: 20,
      minCalls: 20,
      failureRate: 0.5,
      slowCallMs: 60_000,
      slowCallRate: 1,
      openMs: 5000,
      halfOpenCalls: 3,
    });
    expect(() => loadScenarioText(yaml('{ preset: resilience5j, window: 10x }'), 'b.yaml')).toThrow(
      /preset: expected one of hystrix, resilience4j, polly, opossum, found "resilience5j"; did you mean "resilience4j"\?[\s\S]*window: expected a number of calls/,
    );
  });

  it('the report lists every breaker, also the ones that never changed state, and those of added replicas', () => {
    const run = new Run(
      loadScenarioText(
        `${yaml('{ preset: hystrix }').replace('a: { cores: 8', 'a: { replicas: 2, cores: 8').replace('calls: [{ to: b,', 'calls: [{ to: c, breaker: { preset: opossum, scope: service } }, { to: b,')}  c: { cores: 8, cpu: 1ms }\n`,
        'b.yaml',
      ),
    );
    run.advance(10_000);
    run.intervene('add-replica', 'a');
    run.intervene('kill-replica', 'c'); // a->c opens once half the calls of its 10 s window failed
    const r = run.runToEnd();
    const never = { preset: 'hystrix', scope: 'replica', state: 'closed', transitions: [], transitionCount: 0, openMs: 0 };
    expect(r.breakers).toEqual({
      'a->c': expect.objectContaining({
        preset: 'opossum',
        scope: 'service',
        transitions: expect.arrayContaining([{ atMs: expect.any(Number), from: 'closed', to: 'open' }]),
      }),
      'a#0->b': never,
      'a#1->b': never,
      'a#2->b': never,
    });
    expect(Object.keys(r.breakers)).toEqual(['a->c', 'a#0->b', 'a#1->b', 'a#2->b']);
  });
});
