// The shipped scenario files (scenarios/ and each lesson's starter and solution), and a file's data as an editor sees it.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { maskCalls, unmaskValue } from '../scenario/call-syntax.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Every shipped scenario file: scenarios/*.yaml and each lesson's starter and solution, with the schema's path relative to it. */
export function shippedScenarioFiles(): { file: string; schemaPath: string }[] {
  const scenarios = readdirSync(join(ROOT, 'scenarios'))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => ({ file: join('scenarios', f), schemaPath: '../schemas/scenario.schema.json' }));
  const lessons = readdirSync(join(ROOT, 'lessons'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) =>
      ['starter.yaml', 'solution.yaml'].map((f) => ({
        file: join('lessons', d.name, f),
        schemaPath: '../../schemas/scenario.schema.json',
      })),
    );
  return [...scenarios, ...lessons];
}

/** A file's data as an editor's YAML parser (and the loader) sees it. */
export const dataOf = (text: string): unknown => unmaskValue(parse(maskCalls(text)));
