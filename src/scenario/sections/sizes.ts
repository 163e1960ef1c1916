// Sizes a run could not hold in memory, refused before it starts: replicas in all.
import type { Problem } from '../problems.js';
import { type Raw, isMapping } from '../raw.js';
import { MAX_REPLICAS_PER_SERVICE } from '../fields.js';
import type { Section } from '../section.js';

/** Replicas in all (services and shared cache nodes): about 1.2 KB each with their metrics, so 600 MB at the limit. */
export const MAX_REPLICAS = 500_000;

/** A service's replicas, counting only valid numbers (the schema reports the others). */
const valid = (n: unknown): number => (typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= MAX_REPLICAS_PER_SERVICE ? n : 0);
const count = (r: unknown): number =>
  r === undefined ? 1 : isMapping(r) ? Object.values(r).reduce((a: number, b) => a + valid(b), 0) : valid(r);

export const sizes: Section = { name: 'sizes', check: checkSizes };

function checkSizes(data: Raw): Problem[] {
  let total = 0;
  for (const section of ['services', 'caches'] as const) {
    const entries = data[section];
    if (!isMapping(entries)) continue;
    for (const [name, v] of Object.entries(entries)) {
      if (!isMapping(v)) continue;
      if (section === 'caches' && v.kind !== 'shared') continue;
      const n = count(v.replicas);
      total += n;
      if (total > MAX_REPLICAS) {
        return [
          {
            path: [section, name, 'replicas'],
            expected: `at most ${MAX_REPLICAS.toLocaleString('en-US')} replicas in all (each takes about 1 KB of memory)`,
            found: `${total.toLocaleString('en-US')} by here`,
          },
        ];
      }
    }
  }
  return [];
}
