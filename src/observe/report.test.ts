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
