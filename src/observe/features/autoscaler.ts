// Autoscaling: each autoscaled service's decisions, its replicas over time and its replica-seconds; decisions in the dashboard's log.
import { z } from 'zod';
import type { Replica } from '../../model/service.js';
import type { World } from '../../model/world.js';
import { type Collector, type LogLine, defineFeature } from '../feature.js';
import { round } from '../report-fields.js';
import { CostCollector } from './cost.js';

/** The replica counts of the autoscaled services at each change (whole run), and their replica time after the warm-up. */
export class AutoscalerCollector implements Collector {
  /** By service index: [atMs, replicas (ready or starting), ready] at each change. */
  readonly overTime = new Map<number, [number, number, number][]>();
  readonly time: CostCollector;

  constructor(private readonly world: World) {
    this.time = new CostCollector(world);
    for (const a of world.autoscalers) this.overTime.set(a.service.index, []);
    for (const a of world.autoscalers) if (a.service.replicas.length > 0) this.replicaChanged(a.service.replicas[0]);
  }

  replicaChanged(replica: Replica): void {
    this.time.replicaChanged(replica);
    const series = this.overTime.get(replica.service.index);
    if (series === undefined) return;
    let replicas = 0;
    let ready = 0;
    for (const r of replica.service.replicas) {
      if (r.state === 'ready') ready++;
      if (r.state === 'ready' || r.state === 'starting') replicas++;
    }
    const now = this.world.sim.nowMs;
    const last = series.at(-1);
    if (last !== undefined && last[1] === replicas && last[2] === ready) return;
    if (last !== undefined && last[0] === now) series.pop();
    series.push([now, replicas, ready]);
  }
}

const entry = z.object({
  metric: z.enum(['utilization', 'inFlight', 'rps']),
  target: z.number(),
  decisions: z
    .array(z.object({ atMs: z.number(), from: z.number().int(), to: z.number().int(), metric: z.number() }))
    .describe('each scaling, with the metric averaged over ready replicas that led to it (the whole run, warm-up included)'),
  replicasOverTime: z
    .array(z.object({ atMs: z.number(), replicas: z.number().int(), ready: z.number().int() }))
    .describe('at each change: replicas wanted (ready or in their cold start) and ready'),
  replicaSeconds: z.number().describe('seconds replicas were up (cold starts and draining included), summed, over the measured window'),
});

export const autoscaler = defineFeature({
  name: 'autoscaler',
  collect: (world: World) => (world.autoscalers.length > 0 ? new AutoscalerCollector(world) : null),
  report: {
    shape: {
      autoscaler: z
        .record(z.string(), entry)
        .optional()
        .describe('autoscaled services (autoscale:, the Kubernetes HPA algorithm); absent when none is'),
    },
    build(c: AutoscalerCollector | null, { world, nowMs }) {
      if (c === null) return {};
      const ms = c.time.totals(nowMs);
      const out: Record<string, z.infer<typeof entry>> = {};
      for (const a of world.autoscalers) {
        out[a.service.name] = {
          metric: a.spec.metric,
          target: a.spec.target,
          decisions: a.decisions.map((d) => ({ ...d, metric: round(d.metric) ?? 0 })),
          replicasOverTime: (c.overTime.get(a.service.index) ?? []).map(([atMs, replicas, ready]) => ({ atMs, replicas, ready })),
          replicaSeconds: round(ms[a.service.index] / 1000) ?? 0,
        };
      }
      return { autoscaler: out };
    },
    summary({ autoscaler: a }) {
      if (a === undefined) return [];
      const lines = Object.entries(a).map(([name, e]) => {
        const counts = e.replicasOverTime.map((p) => p.replicas);
        return `  ${name}: ${e.decisions.length} decisions, ${Math.min(...counts)}-${Math.max(...counts)} replicas, ${(e.replicaSeconds / 3600).toFixed(2)} replica-hours`;
      });
      return ['autoscaling:', ...lines, ''];
    },
  },
  live: {
    view(world: World) {
      const logged = world.autoscalers.map(() => 0);
      return {
        /** Each scaling decision, as it is made. */
        log(nowMs: number): LogLine[] {
          const lines: LogLine[] = [];
          world.autoscalers.forEach((a, i) => {
            while (logged[i] < a.decisions.length && a.decisions[logged[i]].atMs <= nowMs) {
              const d = a.decisions[logged[i]++];
              const unit =
                a.spec.metric === 'utilization' ? `${(d.metric * 100).toFixed(0)}% busy` : `${d.metric.toFixed(1)} ${a.spec.metric}`;
              lines.push({ atMs: d.atMs, kind: 'info', text: `autoscaler: ${a.service.name} ${d.from} -> ${d.to} replicas (${unit})` });
            }
          });
          return lines;
        },
      };
    },
  },
});
