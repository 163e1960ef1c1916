// Service-level objectives: each checked over the measured window on end-to-end requests (slo) or on one workload's (workloads[i].slo), and the latency objective drawn on the dashboard's chart.
import { z } from 'zod';
import type { World } from '../../model/world.js';
import type { SloSpec } from '../../scenario/spec.js';
import type { Counts } from '../counts.js';
import type { Histogram } from '../histogram.js';
import { defineFeature } from '../feature.js';
import { formatMsOrDash, formatPercent } from '../format.js';
import { errorShare, round } from '../report-fields.js';

const SLO_PERCENTILES = { p50: 50, p90: 90, p95: 95, p99: 99, p999: 99.9 } as const;

const sloShape = {
  slo: z
    .object({
      met: z.boolean().describe('every objective met'),
      objectives: z.array(
        z.object({
          metric: z.string().describe('p50 ... p999 (ms), or errorRate'),
          target: z.number(),
          actual: z.number().nullable(),
          met: z.boolean(),
          workload: z.string().optional().describe("the workload of a workload's own objective (workloads[i].slo); absent: end to end"),
        }),
      ),
    })
    .nullable()
    .describe(
      "the scenario's service-level objectives (slo: on all end-to-end requests, workloads[i].slo: on one workload's), checked over the measured window; null without any",
    ),
};

/** The latency objective drawn on the chart: the scenario's p99, else its highest percentile. */
export interface SloLine {
  readonly metric: string;
  readonly targetMs: number;
}

type SloObjective = NonNullable<z.infer<typeof sloShape.slo>>['objectives'][number];

/** The objectives of one slo: against one latency histogram and one set of counts (`workload`: whose; null: end to end). */
function objectivesOf(spec: SloSpec, latency: Histogram, counts: Counts, workload: string | null): SloObjective[] {
  const out: SloObjective[] = [];
  const tag = workload === null ? {} : { workload };
  for (const [metric, target] of Object.entries(spec.latencyMs)) {
    const actual = round(latency.percentile(SLO_PERCENTILES[metric as keyof typeof SLO_PERCENTILES]));
    out.push({ metric, target, actual, met: actual !== null && actual <= target, ...tag });
  }
  if (spec.errorRate !== null) {
    const actual = round(errorShare(counts));
    out.push({ metric: 'errorRate', target: spec.errorRate, actual, met: actual !== null && actual <= spec.errorRate, ...tag });
  }
  return out;
}

/** SLOs need no collector of their own: they are checked against the core's end-to-end and per-workload figures. */
export const slo = defineFeature({
  name: 'slo',
  collect: () => null,
  report: {
    shape: sloShape,
    build(_c: null, { world, metrics }) {
      const objectives: SloObjective[] = [];
      if (world.spec.slo) objectives.push(...objectivesOf(world.spec.slo, metrics.total.latency, metrics.total.counts, null));
      world.spec.workloads.forEach((w, i) => {
        if (w.slo) objectives.push(...objectivesOf(w.slo, metrics.workloads[i].latency, metrics.workloads[i].counts, w.name));
      });
      if (objectives.length === 0) return { slo: null };
      return { slo: { met: objectives.every((o) => o.met), objectives } };
    },
    summary({ slo }) {
      if (!slo) return [];
      const parts = slo.objectives.map((o) => {
        const fmt = (x: number | null) => (x === null ? '-' : o.metric === 'errorRate' ? formatPercent(x, 2) : formatMsOrDash(x));
        // the comparison as it came out: 227ms <= 300ms met, 888ms > 300ms MISSED
        const op = o.actual === null ? 'measured nothing, objective <=' : o.met ? '<=' : '>';
        return `${o.workload === undefined ? '' : `${o.workload} `}${o.metric} ${o.actual === null ? '' : `${fmt(o.actual)} `}${op} ${fmt(o.target)} ${o.met ? 'met' : 'MISSED'}`;
      });
      return [`SLO ${slo.met ? 'met' : 'MISSED'}: ${parts.join(', ')}`, ''];
    },
  },
  live: {
    view(world: World) {
      const objectives = world.spec.slo?.latencyMs ?? {};
      const metric = (['p99', 'p999', 'p95', 'p90', 'p50'] as const).find((k) => objectives[k] !== undefined);
      const line: SloLine | null = metric ? { metric, targetMs: objectives[metric]! } : null;
      return {
        /** The latency objective drawn on the chart, if any. */
        fields: (): { readonly slo: SloLine | null } => ({ slo: line }),
      };
    },
  },
});
