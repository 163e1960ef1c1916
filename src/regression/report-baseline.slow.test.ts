import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type BaselineEntry, computeBaseline } from './report-baseline.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const file = fileURLToPath(new URL('./report-baseline.json', import.meta.url));

/**
 * A regression guard: refactoring must not change what any run reports. To change the baseline on
 * purpose (a fix that changes results), run `npm run baseline:update` and say why in the commit.
 */
describe('behaviour baseline', () => {
  it('every shipped scenario and fixture, seeds 1 to 5, reports byte for byte what the baseline recorded (minus engine)', () => {
    const now = computeBaseline(root);
    if (process.env.MSIM_BASELINE_UPDATE) {
      writeFileSync(file, `${JSON.stringify(now, null, 1)}\n`);
      return;
    }
    const recorded = JSON.parse(readFileSync(file, 'utf8')) as Record<string, BaselineEntry>;
    const changed = Object.keys({ ...recorded, ...now }).filter((k) => recorded[k]?.sha256 !== now[k]?.sha256);
    expect(changed.map((k) => `${k}: recorded ${JSON.stringify(recorded[k] ?? null)}, now ${JSON.stringify(now[k] ?? null)}`)).toEqual([]);
  }, 120_000);
});
