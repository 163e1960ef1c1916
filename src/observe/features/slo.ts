// Service-level objectives: each checked on end-to-end requests over the measured window, and the latency objective drawn on the dashboard's chart.
import { z } from 'zod';
import type { World } from '../../model/world.js';
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
        }),
      ),
    })
    .nullable()
    .describe("the scenario's service-level objectives on end-to-end requests, checked over the measured window; null without any"),
};

/** The latency objective drawn on the chart: the scenario's p99, else its highest percentile. */
export interface SloLine {
  readonly metric: string;
  readonly targetMs: number;
}

/** SLOs need no collector of their own: they are checked against the core's end-to-end figures. */
export const slo = defineFeature({
  name: 'slo',
  collect: () => null,
  report: {
    shape: sloShape,
    build(_c: null, { world, metrics }) {
      const spec = world.spec.slo;
      if (!spec) return { slo: null };
      const objectives: NonNullable<z.infer<typeof sloShape.slo>>['objectives'] = [];
      const h = metrics.total.latency;
      for (const [metric, target] of Object.entries(spec.latencyMs)) {
        const actual = round(h.percentile(SLO_PERCENTILES[metric as keyof typeof SLO_PERCENTILES]));
        objectives.push({ metric, target, actual, met: actual !== null && actual <= target });
      }
      if (spec.errorRate !== null) {
        const actual = round(errorShare(metrics.total.counts));
        objectives.push({ metric: 'errorRate', target: spec.errorRate, actual, met: actual !== null && actual <= spec.errorRate });
      }
      return { slo: { met: objectives.every((o) => o.met), objectives } };
    },
    summary({ slo }) {
      if (!slo) return [];
      const parts = slo.objectives.map((o) => {
        const fmt = (x: number | null) => (x === null ? '-' : o.metric === 'errorRate' ? formatPercent(x, 2) : formatMsOrDash(x));
        return `${o.metric} ${fmt(o.actual)} <= ${fmt(o.target)} ${o.met ? 'met' : 'MISSED'}`;
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
