// Container CPU limits: per service with a cpuLimit, CFS periods used, periods throttled and time throttled after the warm-up.
import { z } from 'zod';
import type { DeployEventKind } from '../../model/deploy-events.js';
import type { Replica } from '../../model/service.js';
import type { World } from '../../model/world.js';
import { type Collector, defineFeature } from '../feature.js';
import { round } from '../report-fields.js';

/** By service index: CFS periods with CPU use, throttled periods and throttled time (ms), after the warm-up. */
export class ThrottlingCollector implements Collector {
  readonly periods: number[];
  readonly throttledPeriods: number[];
  readonly throttledMs: number[];

  constructor(private readonly world: World) {
    const n = world.services.length;
    this.periods = new Array<number>(n).fill(0);
    this.throttledPeriods = new Array<number>(n).fill(0);
    this.throttledMs = new Array<number>(n).fill(0);
  }

  deployEvent(replica: Replica, kind: DeployEventKind, value: number): void {
    if (this.world.sim.nowMs < this.world.warmupMs) return;
    const i = replica.service.index;
    if (kind === 'cfsPeriod') this.periods[i] += value;
    else if (kind === 'throttled') {
      this.throttledPeriods[i]++;
      this.throttledMs[i] += value;
    }
  }
}

const entry = z.object({
  cpuLimit: z.number().describe('cores of CPU quota per CFS period'),
  cfsPeriodMs: z.number(),
  periods: z.number().int().describe('CFS periods in which a replica used CPU, summed over replicas (container_cpu_cfs_periods_total)'),
  throttledPeriods: z
    .number()
    .int()
    .describe('periods in which a replica ran out of quota and stood still to the period end (container_cpu_cfs_throttled_periods_total)'),
  throttledMs: z.number().describe('time replicas stood throttled, summed over replicas (wall time, not per core)'),
  throttledShare: z.number().nullable().describe('throttledPeriods / periods: the usual alert (above 25% hurts the tail)'),
});

export const throttling = defineFeature({
  name: 'throttling',
  collect: (world: World) => (world.services.some((s) => s.cfs !== null) ? new ThrottlingCollector(world) : null),
  report: {
    shape: {
      throttling: z
        .record(z.string(), entry)
        .optional()
        .describe('services with a cpuLimit (CFS bandwidth), after the warm-up; absent when no service has one'),
    },
    build(c: ThrottlingCollector | null, { world }) {
      if (c === null) return {};
      const out: Record<string, z.infer<typeof entry>> = {};
      for (const s of world.services) {
        if (s.cfs === null) continue;
        const i = s.index;
        out[s.name] = {
          cpuLimit: s.spec.cpuLimit!,
          cfsPeriodMs: s.cfs.periodMs,
          periods: c.periods[i],
          throttledPeriods: c.throttledPeriods[i],
          throttledMs: round(c.throttledMs[i]) ?? 0,
          throttledShare: c.periods[i] > 0 ? round(c.throttledPeriods[i] / c.periods[i]) : null,
        };
      }
      return { throttling: out };
    },
    summary({ throttling: t }) {
      if (t === undefined) return [];
      const lines = Object.entries(t).map(
        ([name, e]) =>
          `  ${name}: limit ${e.cpuLimit} cores per ${e.cfsPeriodMs}ms, throttled in ${e.throttledPeriods} of ${e.periods} periods (${e.throttledShare === null ? '-' : `${(e.throttledShare * 100).toFixed(1)}%`}), ${(e.throttledMs / 1000).toFixed(2)} s in all`,
      );
      return ['cpu limits (CFS throttling):', ...lines, ''];
    },
  },
});
