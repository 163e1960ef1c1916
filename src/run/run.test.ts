import { describe, expect, it } from 'vitest';
import { loadScenarioText } from '../scenario/load.js';
import { Run } from './run.js';

const flood = loadScenarioText(
  `name: flood
duration: 10s
workloads: [{ name: w, to: api, arrivals: poisson(100000/s) }]
services:
  api: { cpu: 1ms, calls: [db] }
  db: { cpu: 0.001ms }
`,
  'flood.yaml',
);

const withoutEngine = (r: object) => JSON.stringify({ ...r, engine: undefined });

describe('Run: runs that cannot finish stop, with a report that says why', () => {
  it('stops when the requests in the system pass --max-in-system, naming the service that overflowed', () => {
    const run = new Run(flood, { maxInSystem: 5000 });
    const report = run.runToEnd();
    expect(report.truncated).toBe(true);
    expect(report.truncation?.service).toBe('api');
    expect(report.truncation?.reason).toMatch(
      /more than 5000 requests in the system \(--max-in-system\); [\d.]+k of them wait at api: its offered load is 100x its capacity/,
    );
    // stopped within one check interval (16,384 events) of passing the bound
    expect(report.services.api.inSystem.max).toBeGreaterThan(5000);
    expect(report.services.api.inSystem.max).toBeLessThan(5000 + 16_384);
    expect(report.simulatedSeconds).toBeLessThan(1);
    expect(run.log.at(-1)?.text).toMatch(/^run stopped: more than 5000 requests/);
  });

  it('blames the service where requests wait, not a caller holding its own while it waits on it', () => {
    // a has a thousand cores and answers in a microsecond; b has one core: b is the bottleneck
    const spec = loadScenarioText(
      'name: b\nworkloads: [{ name: w, to: a, arrivals: poisson(50000/s) }]\nservices:\n  a: { cores: 1000, cpu: 0.001ms, calls: [b] }\n  b: { cpu: 1ms }\n',
      'b.yaml',
    );
    const report = new Run(spec, { maxInSystem: 5000 }).runToEnd();
    expect(report.truncation?.service).toBe('b');
    expect(report.truncation?.reason).toMatch(/; [\d.]+k? of them wait at b: its offered load is 50.0x its capacity$/);
  });

  it('stops at the same event however the run is sliced (checks fall on fixed event counts): the report is deterministic', () => {
    const whole = new Run(flood, { maxInSystem: 20_000 }).runToEnd();
    const sliced = new Run(flood, { maxInSystem: 20_000 });
    for (let i = 0; !sliced.done; i++) sliced.advance(0.37 + (i % 7), 1000 + 777 * (i % 5));
    expect(withoutEngine(sliced.report())).toBe(withoutEngine(whole));
  });

  it('stops a run whose clock stands still (a loop with no delay)', () => {
    const spec = loadScenarioText(
      'name: zeno\nworkloads: [{ name: w, to: api, arrivals: "closed(users=1, think=0)" }]\nservices:\n  api: { cpu: 0 }\n',
      'zeno.yaml',
    );
    const report = new Run(spec, { maxEventsAtOneInstant: 100_000 }).runToEnd();
    expect(report.truncation?.reason).toMatch(/^simulated time stands still at 0 ms: 114.7k events at one instant/);
    expect(report.simulatedSeconds).toBe(0);
  });

  it('stops when too many events are pending (messages in flight on a very slow network)', () => {
    const spec = loadScenarioText(
      'name: slow-wire\nnetwork: { sameDatacenter: 1h }\nworkloads: [{ name: w, to: api, arrivals: poisson(10000/s) }]\nservices:\n  api: { cpu: 0.01ms }\n',
      'slow.yaml',
    );
    const report = new Run(spec, { maxPendingEvents: 20_000 }).runToEnd();
    expect(report.truncation?.reason).toBe('more than 20.0k events pending at once (timers and messages in flight)');
    expect(report.truncation?.service).toBeNull();
  });

  it('a run that ends normally is not truncated, and reports progress at every check', () => {
    const spec = loadScenarioText(
      'name: ok\nduration: 5s\nworkloads: [{ name: w, to: api, arrivals: poisson(1000/s) }]\nservices:\n  api: { cpu: 0.5ms }\n',
      'ok.yaml',
    );
    const seen: number[] = [];
    const report = new Run(spec).runToEnd((p) => seen.push(p.events));
    expect(report.truncated).toBe(false);
    expect(report.truncation).toBeNull();
    expect(seen.length).toBe(Math.floor(report.engine.events / 16_384));
    expect(seen.every((e, i) => e === (i + 1) * 16_384)).toBe(true);
  });
});

describe('Run: progress', () => {
  it('reports wall time and events while runToEnd is still running (progress lines showed 0 events/s)', () => {
    const spec = loadScenarioText(
      'name: p\nduration: 20s\nworkloads: [{ name: w, to: api, arrivals: poisson(5000/s) }]\nservices:\n  api: { cpu: 0.1ms }\n',
      'p.yaml',
    );
    const seen: { wallSeconds: number; events: number }[] = [];
    new Run(spec).runToEnd((p) => seen.push(p));
    expect(seen.length).toBeGreaterThan(10);
    expect(seen.at(-1)!.wallSeconds).toBeGreaterThan(0);
    expect(seen.every((p, i) => i === 0 || p.wallSeconds >= seen[i - 1].wallSeconds)).toBe(true);
  });
});
