// Repeated and scatter-gather calls (`count: 100`, `each: replica`) and what their caller waits for (`wait: { first: k }`, `wait: { fraction: 95%, within: 50ms }`).
import { z } from 'zod';
import { duration, positiveInt, probability, strict } from '../fields.js';
import type { PathSegment, Problem } from '../problems.js';
import { type Raw, forEachCall, isMapping } from '../raw.js';
import type { Input, Section } from '../section.js';
import { parseProbability } from '../units.js';

/**
 * What a fanned-out call waits for: every copy (no `wait`), the first k successful answers (a
 * quorum read), or, past a deadline, a fraction of them (a "good enough" partial answer).
 */
export type WaitSpec =
  | { readonly kind: 'first'; readonly first: number; readonly cancelRest: boolean }
  | { readonly kind: 'fraction'; readonly fraction: number; readonly withinMs: number; readonly cancelRest: boolean };

/** A call made several times at once: `count` copies, or one to each up replica (`each: replica`). */
export interface FanOutSpec {
  /** Copies per call (1 with `each`, which decides the number when the call is made). */
  readonly count: number;
  /** One copy to every up replica of the callee, as a scatter-gather over shards. */
  readonly each: boolean;
  readonly wait: WaitSpec | null;
}

export interface FanOutCallPart {
  /** Null for a call made once (the default). */
  readonly fanout: FanOutSpec | null;
}

/** Copies of one call at most: each is a span; more is a scenario mistake, not a model. */
export const MAX_COUNT = 100_000;

const wait = strict({
  first: positiveInt.optional(),
  fraction: probability.optional(),
  within: duration.optional(),
  cancelRest: z.boolean().optional(),
});

const callFields = {
  count: z.number().int().min(1).max(MAX_COUNT).optional(),
  each: z.literal('replica').optional(),
  wait: wait.optional(),
};
type CallInput = Input<typeof callFields>;

export const fanout: Section<{ call: FanOutCallPart }> = {
  name: 'fanout',
  call: {
    fields: callFields,
    build: (c: CallInput) => ({
      fanout:
        c.count === undefined && c.each === undefined
          ? null
          : {
              count: c.count ?? 1,
              each: c.each !== undefined,
              wait: c.wait === undefined ? null : buildWait(c.wait),
            },
    }),
  },
  check: checkFanOut,
};

function buildWait(w: NonNullable<CallInput['wait']>): WaitSpec {
  if (w.first !== undefined) return { kind: 'first', first: w.first, cancelRest: w.cancelRest ?? false };
  return { kind: 'fraction', fraction: w.fraction ?? 1, withinMs: w.within ?? 0, cancelRest: w.cancelRest ?? false };
}

/** What a schema cannot say: count and each together, a wait without a fan-out, a quorum larger than it, a wait of neither kind. */
function checkFanOut(data: Raw): Problem[] {
  const problems: Problem[] = [];
  forEachCall(data, (_from, _to, toPath, entry) => {
    if (!isMapping(entry)) return;
    const path: PathSegment[] = toPath.slice(0, -1); // forEachCall points at an entry's `to`
    const count = entry.count;
    if (entry.count !== undefined && entry.each !== undefined)
      problems.push({
        path: [...path, 'each'],
        expected: 'either count: <n> or each: replica on one call',
        found: 'both count and each',
        atKey: true,
      });
    if ((entry.count !== undefined || entry.each !== undefined) && entry.to === undefined)
      problems.push({
        path: [...path, entry.count !== undefined ? 'count' : 'each'],
        expected: 'count or each on a call (to: service.endpoint)',
        found: `${entry.count !== undefined ? 'count' : 'each'} on a ${entry.publish !== undefined ? 'publish' : 'saga'}`,
        atKey: true,
      });
    const w = entry.wait;
    if (w === undefined) return;
    if (entry.count === undefined && entry.each === undefined) {
      problems.push({
        path: [...path, 'wait'],
        expected: 'wait on a call made several times (count: <n> or each: replica)',
        found: 'wait on a call made once',
        atKey: true,
      });
      return;
    }
    if (!isMapping(w)) return; // the schema says what a wait is
    const hasFirst = w.first !== undefined;
    const hasFraction = w.fraction !== undefined || w.within !== undefined;
    if (hasFirst === hasFraction)
      problems.push({
        path: [...path, 'wait'],
        expected: 'wait: { first: <k> } or wait: { fraction: <p>, within: <duration> }',
        found: hasFirst ? 'first with fraction or within' : 'neither first nor fraction',
      });
    else if (hasFraction && (w.fraction === undefined || w.within === undefined))
      problems.push({
        path: [...path, 'wait'],
        expected: 'both fraction and within (answer with that fraction of the copies once within has passed)',
        found: w.fraction === undefined ? 'within without fraction' : 'fraction without within',
      });
    const fraction = w.fraction === undefined ? null : parseProbability(w.fraction);
    if (fraction?.ok && fraction.value <= 0)
      problems.push({ path: [...path, 'wait', 'fraction'], expected: 'a fraction of the copies above 0%', found: String(w.fraction) });
    if (typeof w.first === 'number' && typeof count === 'number' && w.first > count)
      problems.push({
        path: [...path, 'wait', 'first'],
        expected: `a quorum of at most the ${count} copies of the call`,
        found: String(w.first),
      });
  });
  return problems;
}
