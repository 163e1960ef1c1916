// Building blocks of the scenario schema: unit-checked values, strict mappings that name their fields, shared field kinds.
import { z } from 'zod';
import type { DistSpec } from '../engine/distributions.js';
import { DIST_HINT, parseDistribution } from './distribution.js';
import { DURATION_HINT, PROBABILITY_HINT, RATE_HINT, type Parsed, parseDuration, parseProbability, parseRate } from './units.js';

/** Params carried by our custom issues, read back by problems.ts. */
export interface ValueIssueParams {
  expected: string;
  found: string;
  offset: number;
}

/** Prefix of the message of an unrecognized-keys issue, followed by the known field names. */
export const KNOWN_FIELDS = 'known-fields:';

/** A field read by one of the unit parsers: failures become custom issues with expected/found/offset. */
export function unit<T>(parse: (input: unknown) => Parsed<T>) {
  return z.any().transform((input, ctx): T => {
    const r = parse(input);
    if (r.ok) return r.value;
    ctx.addIssue({
      code: 'custom',
      message: `expected ${r.expected}`,
      input,
      params: { expected: r.expected, found: r.found, offset: r.offset } satisfies ValueIssueParams,
    });
    return z.NEVER;
  });
}

/** A mapping that rejects unknown fields, naming the fields it knows. */
export function strict<S extends z.core.$ZodLooseShape>(shape: S) {
  const known = Object.keys(shape).join(',');
  return z.strictObject(shape, { error: (iss) => (iss.code === 'unrecognized_keys' ? `${KNOWN_FIELDS}${known}` : undefined) });
}

// descriptions: what editors show on hover (the JSON Schema, json-schema.ts); they change no check
export const duration = unit(parseDuration).meta({ description: DURATION_HINT });
export const rate = unit(parseRate).meta({ description: RATE_HINT });
export const probability = unit(parseProbability).meta({ description: PROBABILITY_HINT });
export const distribution = unit<DistSpec>(parseDistribution).meta({ description: DIST_HINT });

export const positiveInt = z.number().int().min(1);
/** Replicas of one service at most: each costs about 1 KB with its metrics, and a million in all is the scenario's limit (see sections/sizes.ts). */
export const MAX_REPLICAS_PER_SERVICE = 100_000;
const replicaCount = z.number().int().min(1).max(MAX_REPLICAS_PER_SERVICE);
/** `3`, or replicas per location: `{ us-east/dc1: 2, eu-west/dc1: 1 }`. */
export const replicas = z.union([replicaCount, z.record(z.string(), replicaCount)], {
  error: 'a whole number from 1 to 100,000, or replicas per location such as { us-east/dc1: 2 }',
});
