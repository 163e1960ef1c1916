import { describe, expect, it } from 'vitest';
import { Run, runScenario } from '../run/run.js';
import { loadScenarioText } from '../scenario/load.js';
import { nullListener } from './listener.js';
import { Outcome } from './span.js';

const base = (faults: string, extra = '') => `name: faults
duration: 30s
${extra}
faults:
${faults}
workloads: [{ name: w, to: front, arrivals: constant(100/s) }]
services:
  front: { cores: 8, cpu: 1ms, calls: [{ to: back, timeout: 500ms }] }
  back: { replicas: 2, cores: 4, cpu: 10ms }
`;

/** Times at which workload requests were sent, by outcome. */
function sentTimes(yaml: string) {
  const run = new Run(loadScenarioText(yaml, 'f.yaml'));
  const failed: number[] = [];
  const ok: { t: number; ms: number }[] = [];
  run.addListener({
    ...nullListener,
    requestFinished: (r) =>
      r.outcome === Outcome.Ok ? ok.push({ t: r.intendedMs, ms: r.endMs - r.intendedMs }) : failed.push(r.intendedMs),
  });
  const report = run.runToEnd();
  return { failed, ok, report };
}

describe('the fault schedule', () => {
  it('kill: the service fails only while it is down, and restarts when the fault ends', () => {
    const { failed, report } = sentTimes(base('  - { at: 10s, for: 5s, kill: back }'));
    expect(failed.length).toBeGreaterThan(450);
    expect(Math.min(...failed)).toBeGreaterThanOrEqual(9_990); // requests in progress at 10 s fail too
    expect(Math.max(...failed)).toBeLessThan(15_000);
    expect(report.faults[0]).toMatchObject({ at: 10_000, forMs: 5_000, kind: 'kill', target: 'back', errorRate: 1 });
    expect(report.services.back.perReplica.map((r) => r.up)).toEqual([true, true]);
  });

  it('errors: the failure rate is the fault rate inside the window, zero outside', () => {
    const { failed, report } = sentTimes(base('  - { at: 10s, for: 10s, errors: back, rate: 30% }'));
    expect(failed.every((t) => t >= 10_000 && t < 20_000)).toBe(true);
    const w = report.faults[0];
    expect(Math.abs(w.errorRate! - 0.3)).toBeLessThan(4 * Math.sqrt(0.21 / w.requests));
  });

  it('latency and cpu: slower inside the window only', () => {
    const { ok } = sentTimes(base('  - { at: 10s, for: 5s, latency: back, add: 200ms }\n  - { at: 20s, for: 5s, cpu: back, factor: 3 }'));
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const inWindow = (a: number, b: number) => median(ok.filter((r) => r.t >= a && r.t < b - 300).map((r) => r.ms));
    expect(inWindow(2_000, 9_000)).toBeCloseTo(11, 0);
    expect(inWindow(10_000, 15_000)).toBeCloseTo(211, 0);
    expect(inWindow(20_000, 25_000)).toBeGreaterThan(30);
    expect(inWindow(26_000, 30_000)).toBeCloseTo(11, 0);
  });

  it('partition: messages across it are lost; callers time out', () => {
    const yaml = `name: partition
duration: 20s
regions: { us: [a], eu: [a] }
network: { crossRegion: 30ms }
faults: [{ at: 5s, for: 5s, partition: us~eu }]
workloads: [{ name: w, from: us/a, to: front, arrivals: constant(50/s) }]
services:
  front: { replicas: { us/a: 1 }, cores: 4, cpu: 1ms, calls: [{ to: back, timeout: 200ms }] }
  back: { replicas: { eu/a: 1 }, cores: 4, cpu: 1ms }
`;
    const { failed, report } = sentTimes(yaml);
    expect(failed.length).toBeGreaterThan(240);
    expect(Math.min(...failed)).toBeGreaterThanOrEqual(4_900);
    expect(Math.max(...failed)).toBeLessThan(10_000);
    expect(report.edges['front->back'].timeouts).toBe(failed.length);
  });

  it('pause: stop-the-world pauses every 2 s for 150 ms stretch the tail', () => {
    const r = runScenario(
      loadScenarioText(base('  - { at: 0s, pause: back, every: 2s, duration: 150ms }').replace('timeout: 500ms', 'timeout: 5s'), 'f.yaml'),
    );
    expect(r.latencyMs.p50!).toBeCloseTo(11, 0);
    expect(r.latencyMs.max!).toBeGreaterThan(150);
    expect(r.latencyMs.max!).toBeLessThan(11 + 150 + 20);
  });

  it("the resilience issue's example loads and runs", () => {
    const r = runScenario(
      loadScenarioText(
        `name: example
duration: 100s
workloads: [{ name: w, to: gateway, arrivals: poisson(200/s) }]
services:
  gateway:
    concurrency: 50
    cpu: exp(mean=1ms)
    calls:
      - to: payment
        timeout: 300ms
        retry: { attempts: 3, backoff: exponential(base=20ms, cap=500ms), jitter: full, budget: { ratio: 10% } }
        breaker: { preset: resilience4j, failureRate: 50%, window: 20, open: 5s, halfOpenCalls: 3 }
  payment:
    replicas: 3
    cpu: exp(mean=8ms)
faults:
  - { at: 20s, for: 15s, kill: payment#0 }
  - { at: 40s, for: 10s, latency: payment, add: 200ms }
  - { at: 60s, for: 10s, errors: payment, rate: 30% }
  - { at: 80s, for: 5s, pause: payment, every: 2s, duration: 150ms }
`,
        'ex.yaml',
      ),
    );
    expect(r.faults.map((f) => f.kind)).toEqual(['kill', 'latency', 'errors', 'pause']);
    expect(r.faults[2].errorRate!).toBeGreaterThan(0.01);
    expect(r.requests.completed).toBeGreaterThan(15_000);
  });

  it('validates kinds and targets with the rest of the file', () => {
    expect(() =>
      loadScenarioText(
        base('  - { at: 1s, kill: bak }\n  - { at: 2s, errors: back }\n  - { at: 3s, cpu: back, kill: back, factor: 2 }'),
        'f.yaml',
      ),
    ).toThrow(
      /faults\[0\]\.kill: expected a replica \(payment#0\), a service, a datacenter \(region\/dc\) or a region, found "bak"; did you mean "back"\?[\s\S]*faults\[1\]: expected rate: <probability>, found no rate[\s\S]*faults\[2\]: expected exactly one of kill, latency, errors, partition, cpu, pause, found kill and cpu/,
    );
  });
});

describe('what a fault means', () => {
  const run = (yaml: string) => new Run(loadScenarioText(yaml, 'f.yaml')).runToEnd();
  const one = (fault: string) =>
    `name: l\nduration: 20s\nfaults: [${fault}]\nworkloads: [{ name: w, to: a, arrivals: constant(20/s) }]\nservices: { a: { cpu: 10ms } }\n`;

  it('latency multiply: each request waits (factor - 1) x its CPU time, holding its slot; the CPU (and utilization) is unchanged', () => {
    const r = run(one('{ at: 0s, latency: a, multiply: 3 }'));
    expect(r.latencyMs.p50).toBeCloseTo(30, 6);
    expect(r.latencyMs.max).toBeCloseTo(30, 6);
    // the first request comes at 50 ms, so 399 of 10 ms finish in the 20 s: 3.99 s of CPU
    expect(r.services.a.utilization).toBe(0.1995);
  });

  it('cpu factor: the CPU itself is slower (utilization x factor); on local cache lookups and RPC messages too', () => {
    const r = run(one('{ at: 0s, cpu: a, factor: 3 }'));
    expect(r.latencyMs.p50).toBeCloseTo(30, 6);
    expect(r.services.a.utilization).toBe(0.5985); // 399 x 30 ms in 20 s
    // one key: every lookup after the first hits the local cache (1 ms of CPU); rpc messages cost 0.5 ms each end
    const cached = (fault: string) =>
      run(
        `name: c\nduration: 20s\nfaults: [${fault}]\nrpc: { overhead: 0.5ms }\nkeys: { k: { count: 1 } }\ncaches: { l1: { kind: local, capacity: 10, hit: 1ms } }\nworkloads: [{ name: w, to: a, arrivals: constant(20/s) }]\nservices: { a: { keys: k, cache: l1, cpu: 10ms } }\n`,
      );
    const base = cached('{ at: 100s, cpu: a, factor: 3 }');
    const slow = cached('{ at: 0s, cpu: a, factor: 3 }');
    // percentiles come from the histogram, within 0.05%
    expect(Math.abs(base.latencyMs.p50! - 1)).toBeLessThan(0.0006);
    expect(Math.abs(slow.latencyMs.p50! - 3)).toBeLessThan(0.0016);
    expect(slow.services.a.utilization! / base.services.a.utilization!).toBeCloseTo(3, 3);
  });

  it('cpu on one replica (a#1): only that replica is slower, with a service-wide factor on top; the others keep their speed', () => {
    const two = (faults: string) =>
      run(
        `name: r\nduration: 20s\nfaults: [${faults}]\nworkloads: [{ name: w, to: a, arrivals: constant(20/s) }]\nservices: { a: { replicas: 2, balancer: round-robin, cpu: 10ms } }\n`,
      );
    const r = two('{ at: 0s, cpu: a#1, factor: 4 }');
    // round-robin: every other request on the slow replica (40 ms), the rest at 10 ms
    expect(r.latencyMs.max).toBeCloseTo(40, 6);
    expect(r.services.a.perReplica[0].utilization! * 4).toBeCloseTo(r.services.a.perReplica[1].utilization!, 2);
    // a service-wide fault multiplies with the replica's own factor, and ends without undoing it
    const both = two('{ at: 0s, cpu: a#1, factor: 4 }, { at: 0s, for: 10s, cpu: a, factor: 2 }');
    // a quarter each: 20 and 80 ms (first 10 s, both faults), 10 and 40 ms (then the replica's alone): the median is 20 ms
    expect(both.latencyMs.max).toBeCloseTo(80, 6);
    expect(Math.abs(both.latencyMs.p50! - 20)).toBeLessThan(0.02); // the histogram's resolution, 0.05%
    expect(() => loadScenarioText(one('{ at: 0s, cpu: a#3, factor: 2 }'), 'f.yaml')).toThrow(
      /faults\[0\]\.cpu: expected a service or a replica/,
    );
  });

  it('refuses a latency multiply below 1 on a service (a wait cannot make it faster)', () => {
    expect(() => loadScenarioText(one('{ at: 0s, latency: a, multiply: 0.5 }'), 'f.yaml')).toThrow(
      /faults\[0\]\.multiply: expected a factor >= 1 on a service/,
    );
  });

  it('counts, for each fault, the requests whose calls reached its target while it was active', () => {
    const r = run(`name: two
duration: 30s
faults:
  - { at: 10s, for: 5s, cpu: a, factor: 2 }
  - { at: 10s, for: 5s, cpu: b, factor: 2 }
workloads:
  - { name: wa, to: a, arrivals: constant(100/s) }
  - { name: wb, to: b, arrivals: constant(40/s) }
services:
  a: { cpu: 1ms }
  b: { cpu: 1ms }
`);
    // 5 s of each workload, give or take the requests in flight at the edges
    expect(r.faults[0].requests).toBeGreaterThanOrEqual(500);
    expect(r.faults[0].requests).toBeLessThanOrEqual(502);
    expect(r.faults[1].requests).toBeGreaterThanOrEqual(200);
    expect(r.faults[1].requests).toBeLessThanOrEqual(202);
  });
});
