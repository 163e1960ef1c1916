// Reads resilience values of a call: backoff(...) expressions and retry settings.
import { durationArg, namedArgs, readWith, required, singleArg, valueError } from '../distribution.js';
import type { BackoffSpec } from '../spec.js';
import { suggest } from '../suggest.js';
import { type Parsed, describe, fail } from '../units.js';

export const BACKOFF_HINT = 'exponential(base=<duration>, cap=<duration>) or constant(<duration>)';

/** `exponential(base=20ms, cap=500ms)` or `constant(50ms)`. */
export function parseBackoff(input: unknown): Parsed<BackoffSpec> {
  if (typeof input !== 'string') return fail(BACKOFF_HINT, describe(input));
  return readWith(input, (e) => {
    if (e.type !== 'call') return valueError(BACKOFF_HINT, JSON.stringify(e.text), e.offset);
    if (e.name === 'constant') return { kind: 'constant', ms: durationArg(singleArg(e, 'delay', '<duration>')) };
    if (e.name === 'exponential') {
      const a = namedArgs(e, ['base', 'cap']);
      const baseMs = durationArg(required(e, a, 'base', 'base=, cap='));
      const capMs = a.has('cap') ? durationArg(a.get('cap')!.value) : Infinity;
      if (!(baseMs > 0) || capMs < baseMs) valueError('0 < base <= cap', JSON.stringify(e.text), e.offset);
      return { kind: 'exponential', baseMs, capMs };
    }
    return valueError(
      `${BACKOFF_HINT}${suggest(e.name, ['exponential', 'constant'], ' (did you mean "%s"?)')}`,
      `"${e.name}(...)"`,
      e.offset,
    );
  });
}
