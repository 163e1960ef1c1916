import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Run } from '../run/run.js';
import { reportJsonSchema, round } from './report.js';

describe('report', () => {
  it('schemas/report.schema.json is the generated JSON Schema (run `npm run schema` after changing the report)', () => {
    const committed = JSON.parse(readFileSync(new URL('../../schemas/report.schema.json', import.meta.url), 'utf8'));
    expect(committed).toEqual(reportJsonSchema());
  });

  it('documents the keys the issue names', () => {
    const schema = reportJsonSchema() as { required: string[] };
    for (const key of ['scenario', 'seed', 'simulatedSeconds', 'warmupSeconds', 'requests', 'latencyMs', 'workloads', 'services', 'engine'])
      expect(schema.required).toContain(key);
  });

  it('rounds to 6 significant digits and maps non-finite numbers to null', () => {
    expect(round(1234.56789)).toBe(1234.57);
    expect(round(0.000123456789)).toBe(0.000123457);
    expect(round(NaN)).toBeNull();
    expect(round(Infinity)).toBeNull();
    expect(round(0)).toBe(0);
  });
});

describe('slo in the report', () => {
  it('checks each objective over the measured window', async () => {
    const { loadScenarioText } = await import('../scenario/load.js');
    const { runScenario } = await import('../run/run.js');
    // M/M/1 at rho 0.5: p50 = 10 ms x ln 2 / 0.5 = 13.9 ms, p99 = 92.1 ms; no errors
    const yaml = (slo: string) =>
      `name: s\nduration: 300s\nwarmup: 10s\nslo: ${slo}\nworkloads: [{ name: w, to: a, arrivals: poisson(50/s) }]\nservices: { a: { cpu: exp(mean=10ms) } }\n`;
    const met = runScenario(loadScenarioText(yaml('{ p50: 20ms, p99: 150ms, errorRate: 0.1% }'), 's.yaml')).slo!;
    expect(met.met).toBe(true);
    expect(met.objectives.map((o) => [o.metric, o.target, o.met])).toEqual([
      ['p50', 20, true],
      ['p99', 150, true],
      ['errorRate', 0.001, true],
    ]);
    expect(met.objectives[1].actual!).toBeGreaterThan(70);
    const missed = runScenario(loadScenarioText(yaml('{ p99: 50ms }'), 's.yaml')).slo!;
    expect(missed).toEqual({ met: false, objectives: [{ metric: 'p99', target: 50, actual: expect.any(Number), met: false }] });
  });
});

describe('report: what the numbers measure', () => {
  const load = async (yaml: string) => (await import('../scenario/load.js')).loadScenarioText(yaml, 't.yaml');

  it('divides utilization by the cores that were up: one replica at 50% joined by a second halfway reads 1/3, not 1/4', async () => {
    // constant 50/s of 10 ms: 50% of one core; from 10 s on, round-robin gives each replica 25%
    const run = new Run(
      await load('name: u\nduration: 20s\nworkloads: [{ name: w, to: a, arrivals: constant(50/s) }]\nservices: { a: { cpu: 10ms } }\n'),
    );
    run.advance(10_000);
    run.intervene('add-replica', 'a');
    const r = run.runToEnd();
    expect(r.services.a.utilization).toBeCloseTo(1 / 3, 3);
    // each replica over its own lifetime: 0.375 (50% then 25%) and 0.25, within a request or two (10 ms in 10 s is 0.001)
    expect(r.services.a.perReplica.map((p) => p.utilization)).toEqual([expect.closeTo(0.375, 2), expect.closeTo(0.25, 2)]);
    expect(r.services.a).toMatchObject({ replicas: 2, replicasUp: 2 });
  });

  it("a killed replica's cores stop counting until it restarts", async () => {
    // two replicas, 50/s of 10 ms: 25% each; one is down from 10 s to 15 s, the other then carries 50%
    const r = new Run(
      await load(
        'name: k\nduration: 20s\nfaults: [{ at: 10s, for: 5s, kill: "a#0" }]\nworkloads: [{ name: w, to: a, arrivals: constant(50/s) }]\nservices: { a: { replicas: 2, cpu: 10ms } }\n',
      ),
    ).runToEnd();
    // busy 0.5 cores all along (10 core-seconds); cores up: 2 x 15 s + 1 x 5 s = 35 core-seconds
    expect(r.services.a.utilization).toBeCloseTo(10 / 35, 2);
    expect(r.services.a.perReplica[0].utilization).toBeCloseTo(0.25, 2);
  });

  it('gives failed requests their own latency, beside that of successful ones', async () => {
    const r = new Run(
      await load(
        'name: f\nduration: 20s\nworkloads: [{ name: w, to: a, arrivals: constant(100/s) }]\nservices:\n  a: { cpu: 1ms, calls: [{ to: b, timeout: 50ms }] }\n  b: { cpu: 10ms, errors: 50% }\n',
      ),
    ).runToEnd();
    // failures come from b's errors: 1 ms at a + 10 ms at b (queueing aside); timeouts would show 51 ms
    expect(r.failedLatencyMs.p50).toBeGreaterThan(10);
    expect(r.failedLatencyMs.p99).toBeLessThanOrEqual(51);
    expect(r.workloads.w.failedLatencyMs.mean).toBe(r.failedLatencyMs.mean);
    expect(r.requests.failed).toBeGreaterThan(800);
  });

  it('says plainly when a run ended in its warm-up: nothing measured, statistics null (not 100% busy, not a queue above its max)', async () => {
    const run = new Run(
      await load(
        'name: w\nduration: 60s\nwarmup: 10s\nslo: { p99: 100ms }\nworkloads: [{ name: w, to: a, arrivals: poisson(90/s) }]\nservices: { a: { cpu: exp(mean=10ms) } }\n',
      ),
    );
    run.advance(3_000);
    run.stop();
    const r = run.report();
    expect(r.measured).toBe(false);
    expect(r.services.a.utilization).toBeNull();
    expect(r.services.a.queueLength).toEqual({ mean: null, max: null });
    expect(r.services.a.inSystem).toEqual({ mean: null, max: null });
    const { formatSummary } = await import('./summary.js');
    expect(formatSummary(r)).toMatch(/\nThe run ended at 3s, before its 10s warm-up did: nothing was measured\.\n/);
    expect(formatSummary(r)).not.toMatch(/SLO|100\.0%/);
  });

  it('rounds every non-integer to 6 significant digits, except the exact times a replay needs', async () => {
    const { loadScenarioFile } = await import('../scenario/load.js');
    const r = new Run(loadScenarioFile('scenarios/cascading-failure.yaml')).runToEnd();
    const loose: string[] = [];
    const walk = (v: unknown, path: string) => {
      if (
        typeof v === 'number' &&
        !Number.isInteger(v) &&
        path !== 'simulatedMs' &&
        !/^interventions\.\d+\.atMs$/.test(path) &&
        !path.startsWith('engine.') &&
        Number(v.toPrecision(6)) !== v
      )
        loose.push(`${path}=${v}`);
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, path ? `${path}.${k}` : k);
    };
    walk(r, '');
    expect(loose).toEqual([]);
  });
});
