// Every scenario shipped in scenarios/ loads, runs, and gives a sane, deterministic report.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { reportSchema } from '../observe/report.js';
import { loadScenarioFile } from '../scenario/load.js';
import { runScenario } from './run.js';

const dir = new URL('../../scenarios/', import.meta.url).pathname;
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'));

describe('scenarios/', () => {
  it('has scenarios', () => {
    expect(files).toContain('checkout.yaml');
    expect(files).toContain('mm1.yaml');
  });

  for (const file of files) {
    it(`${file} runs (capped at 120 simulated seconds) with a sane report`, () => {
      const full = loadScenarioFile(dir + file);
      const durationMs = Math.min(full.durationMs, Math.max(full.warmupMs + 30_000, 120_000));
      const spec = { ...full, durationMs };
      const r = runScenario(spec);
      expect(reportSchema.safeParse(r).success).toBe(true);
      expect(r.requests.completed).toBeGreaterThan(0);
      for (const [name, s] of Object.entries(r.services)) {
        expect(s.utilization, name).toBeGreaterThanOrEqual(0);
        expect(s.utilization, name).toBeLessThanOrEqual(1);
      }
      expect({ ...runScenario(spec), engine: null }).toEqual({ ...r, engine: null });
    });
  }
});

describe('what the teaching scenarios show', () => {
  it('retry-storm: naive retries never recover from a 5 s slowdown; a retry budget does', async () => {
    const { nullListener } = await import('../model/listener.js');
    const { Run } = await import('./run.js');
    const run = new Run(loadScenarioFile(`${dir}retry-storm.yaml`));
    const late = { naive: [0, 0], budgeted: [0, 0] } as Record<string, [number, number]>;
    run.addListener({ ...nullListener, requestFinished: (r) => r.intendedMs >= 60_000 && late[r.workload.name][r.outcome === 1 ? 0 : 1]++ });
    const report = run.runToEnd();
    const failRate = ([ok, bad]: [number, number]) => bad / (ok + bad);
    expect(failRate(late.naive)).toBeGreaterThan(0.99);
    expect(failRate(late.budgeted)).toBeLessThan(0.001);
    expect(report.edges['client-naive->db-naive'].amplification!).toBeGreaterThan(3);
    expect(report.edges['client-budget->db-budget'].amplification!).toBeLessThan(1.15);
  });

  it('cascading-failure: the slow dependency takes browsing down behind the naive gateway only', () => {
    const r = runScenario(loadScenarioFile(`${dir}cascading-failure.yaml`));
    expect(r.workloads['browse-naive'].requests.rejected).toBeGreaterThan(300);
    expect(r.workloads['browse-protected'].requests.rejected + r.workloads['browse-protected'].requests.failed).toBe(0);
    expect(r.workloads['browse-protected'].latencyMs.p99!).toBeLessThan(50);
    expect(r.breakers['protected#0->recommendations'].transitions[0]).toMatchObject({ from: 'closed', to: 'open' });
  });
});

describe('what the tail-at-scale scenario shows', () => {
  it('a fan-out of 100 inherits the 1% tail (1 - 0.99^100 = 63% of requests slow); hedging after 20 ms removes it for ~1% more calls', () => {
    const r = runScenario(loadScenarioFile(`${dir}tail-at-scale.yaml`));
    expect(r.workloads.plain.latencyMs.p50!).toBeGreaterThanOrEqual(1000);
    expect(r.workloads.hedged.latencyMs.p99!).toBeLessThan(40);
    const e = r.edges['hedged->leaf'];
    expect(e.hedges / e.calls).toBeGreaterThan(0.005);
    expect(e.hedges / e.calls).toBeLessThan(0.02);
  });
});
