import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { reportJsonSchema, round } from './report.js';

describe('report', () => {
  it('schemas/report.schema.json is the generated JSON Schema (run `npm run schema` after changing the report)', () => {
    const committed = JSON.parse(readFileSync(new URL('../../schemas/report.schema.json', import.meta.url), 'utf8'));
    expect(committed).toEqual(reportJsonSchema());
  });

  it('documents the keys the issue names', () => {
    const schema = reportJsonSchema() as { required: string[] };
    for (const key of ['scenario', 'seed', 'simulatedSeconds', 'warmupSeconds', 'requests', 'latencyMs', 'workloads', 'services', 'engine']) expect(schema.required).toContain(key);
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
    const yaml = (slo: string) => `name: s\nduration: 300s\nwarmup: 10s\nslo: ${slo}\nworkloads: [{ name: w, to: a, arrivals: poisson(50/s) }]\nservices: { a: { cpu: exp(mean=10ms) } }\n`;
    const met = runScenario(loadScenarioText(yaml('{ p50: 20ms, p99: 150ms, errorRate: 0.1% }'), 's.yaml')).slo!;
    expect(met.met).toBe(true);
    expect(met.objectives.map((o) => [o.metric, o.target, o.met])).toEqual([['p50', 20, true], ['p99', 150, true], ['errorRate', 0.001, true]]);
    expect(met.objectives[1].actual!).toBeGreaterThan(70);
    const missed = runScenario(loadScenarioText(yaml('{ p99: 50ms }'), 's.yaml')).slo!;
    expect(missed).toEqual({ met: false, objectives: [{ metric: 'p99', target: 50, actual: expect.any(Number), met: false }] });
  });
});
