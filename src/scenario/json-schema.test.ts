import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { unsupportedKeywords, validateJson } from '../test-support/json-schema-validate.js';
import { dataOf, shippedScenarioFiles } from '../test-support/scenario-files.js';
import { scenarioJsonSchema, scenarioJsonSchemaText } from './json-schema.js';
import { loadScenarioText } from './load.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('the scenario JSON Schema', () => {
  const schema = scenarioJsonSchema();

  it('is what schemas/scenario.schema.json holds (run `npm run schema` after changing the scenario language)', () => {
    expect(readFileSync(join(ROOT, 'schemas/scenario.schema.json'), 'utf8')).toBe(scenarioJsonSchemaText());
  });

  it('uses only keywords the test validator implements', () => {
    expect(unsupportedKeywords(schema)).toEqual([]);
  });

  it.each(shippedScenarioFiles())('$file starts with the modeline and validates against it', ({ file, schemaPath }) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    expect(text.split('\n')[0]).toBe(`# yaml-language-server: $schema=${schemaPath}`);
    expect(validateJson(schema, dataOf(text))).toEqual([]);
    expect(() => loadScenarioText(text, file)).not.toThrow();
  });

  it('takes the short forms validation takes: a call as a string, a step as one call', () => {
    const text =
      'name: x\nworkloads: [{ name: w, to: a, arrivals: poisson(1/s) }]\nservices:\n  a: { cpu: 1ms, calls: [b, [b, c.get], { to: b, timeout: 5ms }] }\n  b: { cpu: 1ms }\n  c: { endpoints: { get: { cpu: 1ms } } }\n';
    expect(() => loadScenarioText(text, 'x.yaml')).not.toThrow();
    expect(validateJson(schema, dataOf(text))).toEqual([]);
  });

  it('refuses what validation refuses for its structure: an unknown field, a wrong type, a missing field', () => {
    const base = 'name: x\nworkloads: [{ name: w, to: a, arrivals: poisson(1/s) }]\nservices: { a: { cpu: 1ms } }\n';
    for (const broken of [`${base}colour: red\n`, base.replace('name: x', 'name: [x]'), base.replace('name: w, ', '')]) {
      expect(validateJson(schema, dataOf(broken)).length).toBeGreaterThan(0);
      expect(() => loadScenarioText(broken, 'x.yaml')).toThrow();
    }
  });
});
