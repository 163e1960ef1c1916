// A strict validator for the JSON Schema keywords msim's generated schemas use (draft 2020-12 semantics), for tests without a dependency.

type Schema = Record<string, unknown> | boolean;

/** The keywords this validator implements; a schema using any other is refused (so a test never passes by ignoring one). */
export const SUPPORTED_KEYWORDS = new Set([
  '$schema',
  'title',
  'description',
  'type',
  'enum',
  'const',
  'anyOf',
  'oneOf',
  'allOf',
  'properties',
  'required',
  'additionalProperties',
  'propertyNames',
  'items',
  'minItems',
  'maxItems',
  'minLength',
  'maxLength',
  'pattern',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'default',
  'examples',
]);

/** Every keyword a schema uses that SUPPORTED_KEYWORDS lacks (property names under `properties` are not keywords). */
export function unsupportedKeywords(schema: Schema): string[] {
  const found = new Set<string>();
  const walk = (s: unknown): void => {
    if (typeof s !== 'object' || s === null) return;
    for (const [k, v] of Object.entries(s)) {
      if (!SUPPORTED_KEYWORDS.has(k)) found.add(k);
      if (k === 'properties') for (const sub of Object.values(v as object)) walk(sub);
      else if (k === 'anyOf' || k === 'oneOf' || k === 'allOf') for (const sub of v as unknown[]) walk(sub);
      else if (k === 'items' || k === 'additionalProperties' || k === 'propertyNames') walk(v);
    }
  };
  walk(schema);
  return [...found].sort();
}

const typeOf = (v: unknown): string => {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
};

const isType = (v: unknown, t: string): boolean => {
  const actual = typeOf(v);
  return actual === t || (t === 'number' && actual === 'integer');
};

/** Problems of a value against a schema (JSON pointers and what failed); empty when it is valid. */
export function validateJson(schema: Schema, value: unknown, at = ''): string[] {
  if (schema === true) return [];
  if (schema === false) return [`${at}: no value is allowed here`];
  const s = schema as Record<string, unknown>;
  const out: string[] = [];
  const fail = (what: string) => out.push(`${at || '/'}: ${what}`);
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
    if (!types.some((t) => isType(value, t))) return [`${at || '/'}: expected ${types.join(' or ')}, found ${typeOf(value)}`];
  }
  if (s.enum !== undefined && !(s.enum as unknown[]).some((e) => JSON.stringify(e) === JSON.stringify(value)))
    fail(`expected one of ${JSON.stringify(s.enum)}`);
  if (s.const !== undefined && JSON.stringify(s.const) !== JSON.stringify(value)) fail(`expected ${JSON.stringify(s.const)}`);
  if (s.anyOf !== undefined && !(s.anyOf as Schema[]).some((sub) => validateJson(sub, value, at).length === 0))
    fail('matches none of anyOf');
  if (s.oneOf !== undefined && (s.oneOf as Schema[]).filter((sub) => validateJson(sub, value, at).length === 0).length !== 1)
    fail('matches not exactly one of oneOf');
  if (s.allOf !== undefined) for (const sub of s.allOf as Schema[]) out.push(...validateJson(sub, value, at));
  if (typeof value === 'string') {
    const length = [...value].length;
    if (typeof s.minLength === 'number' && length < s.minLength) fail(`shorter than ${s.minLength}`);
    if (typeof s.maxLength === 'number' && length > s.maxLength) fail(`longer than ${s.maxLength}`);
    if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(value)) fail(`does not match ${s.pattern}`);
  }
  if (typeof value === 'number') {
    if (typeof s.minimum === 'number' && value < s.minimum) fail(`below ${s.minimum}`);
    if (typeof s.maximum === 'number' && value > s.maximum) fail(`above ${s.maximum}`);
    if (typeof s.exclusiveMinimum === 'number' && value <= s.exclusiveMinimum) fail(`not above ${s.exclusiveMinimum}`);
    if (typeof s.exclusiveMaximum === 'number' && value >= s.exclusiveMaximum) fail(`not below ${s.exclusiveMaximum}`);
  }
  if (Array.isArray(value)) {
    if (typeof s.minItems === 'number' && value.length < s.minItems) fail(`fewer than ${s.minItems} items`);
    if (typeof s.maxItems === 'number' && value.length > s.maxItems) fail(`more than ${s.maxItems} items`);
    if (s.items !== undefined) for (const [i, v] of value.entries()) out.push(...validateJson(s.items as Schema, v, `${at}/${i}`));
  }
  if (typeOf(value) === 'object') {
    const obj = value as Record<string, unknown>;
    const props = (s.properties ?? {}) as Record<string, Schema>;
    for (const r of (s.required ?? []) as string[]) if (!Object.hasOwn(obj, r)) fail(`missing required "${r}"`);
    for (const [k, v] of Object.entries(obj)) {
      if (s.propertyNames !== undefined) out.push(...validateJson(s.propertyNames as Schema, k, `${at}/${k}`));
      if (Object.hasOwn(props, k)) out.push(...validateJson(props[k], v, `${at}/${k}`));
      else if (s.additionalProperties !== undefined) out.push(...validateJson(s.additionalProperties as Schema, v, `${at}/${k}`));
    }
  }
  return out;
}
