// Reads workload arrival values: poisson(400/s), constant(50/s), closed(users=50, think=exp(mean=1s)).
import type { Call } from '../expr.js';
import { distFromExpr, namedArgs, numberArg, rateArg, readWith, required, singleArg, valueError } from '../distribution.js';
import type { ArrivalSpec } from '../spec.js';
import { suggest } from '../suggest.js';
import { type Parsed, describe, fail } from '../units.js';

export const ARRIVALS_HINT = 'poisson(<rate>), constant(<rate>) or closed(users=<n>, think=<distribution>)';
const KINDS = ['poisson', 'constant', 'closed'];

export function parseArrivals(input: unknown): Parsed<ArrivalSpec> {
  if (typeof input !== 'string') return fail(ARRIVALS_HINT, describe(input));
  return readWith(input, (e) => {
    if (e.type !== 'call') return valueError(ARRIVALS_HINT, JSON.stringify(e.text), e.offset);
    return fromCall(e);
  });
}

function fromCall(call: Call): ArrivalSpec {
  switch (call.name) {
    case 'poisson':
    case 'constant':
      return { kind: call.name, ratePerSec: rateArg(singleArg(call, 'rate', '<rate>, such as 400/s')) };
    case 'closed': {
      const a = namedArgs(call, ['users', 'think']);
      // each user holds an event while it thinks: a million is far past any real closed loop, and well inside the engine
      const users = numberArg(
        required(call, a, 'users', 'users=<n>, think=<distribution>'),
        'users, a whole number from 1 to 1,000,000',
        (n) => Number.isInteger(n) && n >= 1 && n <= 1_000_000,
      );
      const think = a.has('think') ? distFromExpr(a.get('think')!.value) : ({ kind: 'constant', valueMs: 0 } as const);
      return { kind: 'closed', users, think };
    }
    default:
      return valueError(`${ARRIVALS_HINT}${suggest(call.name, KINDS, ' (did you mean "%s"?)')}`, `"${call.name}(...)"`, call.offset);
  }
}
