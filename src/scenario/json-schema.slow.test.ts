import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { validateJson } from '../test-support/json-schema-validate.js';
import { dataOf, shippedScenarioFiles } from '../test-support/scenario-files.js';
import { scenarioJsonSchema } from './json-schema.js';
import { loadScenarioText } from './load.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Values put in place of each value of a file: wrong types, out of range, empty, and units misspelt. */
const REPLACEMENTS: unknown[] = ['x', '', -1, 0, 1.5, 1e9, true, null, [], {}, ['x'], { bogus: 1 }, '5 parsecs', 'exp(mean=)'];

type Path = (string | number)[];

/** Values tried per file: 20 in `npm test` (all files, every replacement), 60 in `npm run test:fuzz` (MSIM_FUZZ=1). */
const PATHS_PER_FILE = process.env.MSIM_FUZZ === '1' ? 60 : 20;

function paths(value: unknown, at: Path = []): Path[] {
  if (Array.isArray(value)) return [at, ...value.flatMap((v, i) => paths(v, [...at, i]))];
  if (value !== null && typeof value === 'object') return [at, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...at, k]))];
  return [at];
}

function withValue(data: unknown, path: Path, next: unknown | typeof DELETE): unknown {
  const copy = structuredClone(data) as Record<string | number, unknown>;
  let node = copy;
  for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (next === DELETE) {
    if (Array.isArray(node)) node.splice(last as number, 1);
    else delete node[last];
  } else node[last] = next;
  return copy;
}
const DELETE = Symbol('delete');

describe('the scenario JSON Schema agrees with validation on a corpus of broken files', () => {
  const schema = scenarioJsonSchema();

  it.each(shippedScenarioFiles())('$file, each value replaced or removed: the schema never refuses what validation takes', ({ file }) => {
    const data = dataOf(readFileSync(join(ROOT, file), 'utf8'));
    let refusedBoth = 0;
    const stricter: string[] = [];
    // at most PATHS_PER_FILE values of each file, evenly spread (a large file's thousand list entries say no more than a few)
    const all = paths(data).filter((p) => p.length > 0);
    const step = Math.max(1, all.length / PATHS_PER_FILE);
    for (let i = 0; i < all.length; i += step) {
      const path = all[Math.floor(i)];
      for (const next of [...REPLACEMENTS, DELETE]) {
        const broken = withValue(data, path, next);
        const schemaRefuses = validateJson(schema, broken).length > 0;
        if (!schemaRefuses) continue;
        let validatorRefuses = false;
        try {
          loadScenarioText(stringify(broken), 'broken.yaml');
        } catch {
          validatorRefuses = true;
        }
        if (validatorRefuses) refusedBoth++;
        else stricter.push(`${path.join('.')} = ${next === DELETE ? '(removed)' : JSON.stringify(next)}`);
      }
    }
    expect(stricter).toEqual([]);
    expect(refusedBoth).toBeGreaterThan(0);
  });
});
