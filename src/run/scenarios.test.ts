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
