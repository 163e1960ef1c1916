// Request mixes (the report's mixes): per workload with `mix:`, each entry's requests and latency, beside its configured weight.
import { z } from 'zod';
import { Outcome, type RootRequest } from '../../model/span.js';
import type { World } from '../../model/world.js';
import { Counts } from '../counts.js';
import { type Collector, defineFeature } from '../feature.js';
import { formatExact, formatMs, formatPercent, table } from '../format.js';
import { Histogram } from '../histogram.js';
import { latencySchema, latencyStats, requests, requestsSchema } from '../report-fields.js';

interface EntryMetrics {
  readonly target: string;
  readonly weight: number;
  readonly counts: Counts;
  readonly latency: Histogram;
}

/** Counts each mixed workload's requests by the entry they went to (after the warm-up). */
export class MixCollector implements Collector {
  /** By workload index: its entries (null for a workload without a mix). */
  readonly byWorkload: (EntryMetrics[] | null)[];

  constructor(world: World) {
    this.byWorkload = world.spec.workloads.map((w) =>
      w.mix === null
        ? null
        : w.mix.map((m) => ({ target: `${m.service}.${m.endpoint}`, weight: m.weight, counts: new Counts(), latency: new Histogram() })),
    );
  }

  requestStarted(req: RootRequest): void {
    if (req.measured && req.mixEntry >= 0) this.byWorkload[req.workload.index]![req.mixEntry].counts.started++;
  }

  requestFinished(req: RootRequest): void {
    if (!req.measured || req.mixEntry < 0) return;
    const e = this.byWorkload[req.workload.index]![req.mixEntry];
    e.counts.count(req.outcome);
    if (req.outcome === Outcome.Ok) e.latency.record(req.endMs - req.intendedMs);
  }
}

const entrySchema = z.object({
  weight: z.number().describe("its configured share of the workload's requests"),
  share: z.number().nullable().describe('its measured share of the requests started'),
  requests: requestsSchema,
  latencyMs: latencySchema,
});

const mixesShape = {
  mixes: z
    .record(z.string(), z.record(z.string(), entrySchema))
    .optional()
    .describe('request mixes: per workload with mix, per entry ("service.endpoint"), its requests and latency after the warm-up'),
};

export const mixes = defineFeature({
  name: 'mixes',
  collect: (world: World) => (world.spec.workloads.some((w) => w.mix !== null) ? new MixCollector(world) : null),
  report: {
    shape: mixesShape,
    build(c: MixCollector | null, { world }) {
      if (c === null) return {};
      const out: Record<string, Record<string, z.infer<typeof entrySchema>>> = {};
      world.spec.workloads.forEach((w, i) => {
        const entries = c.byWorkload[i];
        if (entries === null) return;
        const total = entries.reduce((sum, e) => sum + e.counts.started, 0);
        out[w.name] = Object.fromEntries(
          entries.map((e) => [
            e.target,
            {
              weight: e.weight,
              share: total > 0 ? Number((e.counts.started / total).toPrecision(6)) : null,
              requests: requests(e.counts),
              latencyMs: latencyStats(e.latency),
            },
          ]),
        );
      });
      return { mixes: out };
    },
    summary({ mixes }) {
      if (mixes === undefined) return [];
      const rows: string[][] = [];
      for (const [w, entries] of Object.entries(mixes))
        for (const [target, e] of Object.entries(entries))
          rows.push([
            w,
            target,
            formatPercent(e.weight, 0),
            formatExact(e.requests.started),
            formatExact(e.requests.failed + e.requests.rejected),
            e.latencyMs.p50 === null ? '-' : formatMs(e.latencyMs.p50),
            e.latencyMs.p99 === null ? '-' : formatMs(e.latencyMs.p99),
          ]);
      return [table(['mix', 'entry', 'weight', 'started', 'failed', 'p50', 'p99'], rows, ' '), ''];
    },
  },
});
