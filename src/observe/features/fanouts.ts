// Repeated and scatter-gather calls (the report's fanouts): copies sent, partial answers (a quorum, a fraction by a deadline), failures and cancelled copies, per edge.
import { z } from 'zod';
import type { FanOutSite } from '../../model/flows/fanout.js';
import type { World } from '../../model/world.js';
import { defineFeature } from '../feature.js';
import { formatExact, table } from '../format.js';

/** Every fanned-out call site of the world, or null when none (then the feature costs nothing). */
function sitesOf(world: World): FanOutSite[] | null {
  const sites: FanOutSite[] = [];
  for (const svc of world.services)
    for (const ep of svc.endpoints.values()) for (const call of ep.calls) if (call.fanout !== undefined) sites.push(call.fanout);
  return sites.length > 0 ? sites : null;
}

const fanoutsShape = {
  fanouts: z
    .record(
      z.string(),
      z.object({
        gathers: z.number().int().describe('fan-outs made (each sends its copies at once)'),
        copies: z.number().int().describe('copies sent (first attempts: retries and hedges are in edges)'),
        partial: z
          .number()
          .int()
          .describe('answered before every copy had: with the first k of a quorum, or a fraction once the deadline passed'),
        failed: z.number().int().describe('fan-outs that failed: too few successful copies for what they wait for'),
        cancelled: z.number().int().describe('copies cancelled once their fan-out answered (cancelRest)'),
      }),
    )
    .optional()
    .describe(
      'repeated and scatter-gather calls ("caller->callee", count or each: replica) in workload requests that arrived after the warm-up',
    ),
};

export const fanouts = defineFeature({
  name: 'fanouts',
  collect: sitesOf,
  report: {
    shape: fanoutsShape,
    build(sites: FanOutSite[] | null) {
      if (sites === null) return {};
      const out: Record<string, { gathers: number; copies: number; partial: number; failed: number; cancelled: number }> = {};
      for (const s of sites) {
        const e = (out[`${s.from.name}->${s.to.name}`] ??= { gathers: 0, copies: 0, partial: 0, failed: 0, cancelled: 0 });
        e.gathers += s.gathers;
        e.copies += s.copies;
        e.partial += s.partial;
        e.failed += s.failed;
        e.cancelled += s.cancelled;
      }
      return { fanouts: out };
    },
    summary({ fanouts }) {
      if (fanouts === undefined) return [];
      return [
        table(
          ['fan-out', 'gathers', 'copies', 'partial', 'failed', 'cancelled'],
          Object.entries(fanouts).map(([name, e]) => [
            name,
            formatExact(e.gathers),
            formatExact(e.copies),
            formatExact(e.partial),
            formatExact(e.failed),
            formatExact(e.cancelled),
          ]),
          ' ',
        ),
        'partial: answered with the first k copies (wait: first) or a fraction by the deadline (wait: fraction, within)',
        '',
      ];
    },
  },
});
