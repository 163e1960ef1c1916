// What a run costs: replica-hours at each service's price, plus the network's transfer, over the measured window and per 30 days.
import { z } from 'zod';
import type { Replica } from '../../model/service.js';
import type { World } from '../../model/world.js';
import { type Collector, defineFeature } from '../feature.js';
import { round } from '../report-fields.js';
import { network } from './network.js';

/** Replica-milliseconds after the warm-up, by service: a replica is paid for from its start (cold start included) until it is down. */
export class CostCollector implements Collector {
  readonly replicaMs: number[];
  /** By replica uid: since when it has been paid for (-1: not now). */
  private readonly since: number[] = [];
  private readonly replicas: Replica[] = [];

  constructor(private readonly world: World) {
    this.replicaMs = new Array<number>(world.services.length).fill(0);
    for (const s of world.services) for (const r of s.replicas) this.replicaChanged(r);
  }

  replicaChanged(replica: Replica): void {
    const now = this.world.sim.nowMs;
    const paid = replica.state !== 'down';
    const since = this.since[replica.uid] ?? -1;
    if (since >= 0 && !paid) {
      this.add(replica, since, now);
      this.since[replica.uid] = -1;
    } else if (since < 0 && paid) {
      this.since[replica.uid] = now;
      this.replicas[replica.uid] = replica;
    }
  }

  /** Replica-ms by service up to nowMs (those still up counted to now). */
  totals(nowMs: number): number[] {
    const out = this.replicaMs.slice();
    this.since.forEach((since, uid) => {
      if (since < 0) return;
      const r = this.replicas[uid];
      out[r.service.index] += Math.max(0, nowMs - Math.max(since, this.world.warmupMs));
    });
    return out;
  }

  private add(replica: Replica, fromMs: number, toMs: number): void {
    this.replicaMs[replica.service.index] += Math.max(0, toMs - Math.max(fromMs, this.world.warmupMs));
  }
}

const MONTH_S = 30 * 86_400;

/** The world has a price: a service with a cost, or a network (its transfer cost). */
const priced = (world: World) => world.network !== null || world.services.some((s) => s.spec.cost !== undefined);

export const cost = defineFeature({
  name: 'cost',
  collect: (world: World) => (priced(world) ? new CostCollector(world) : null),
  report: {
    shape: {
      costUsd: z
        .object({
          total: z
            .number()
            .describe('compute (replica-hours at each service.cost.perReplicaHour) plus network transfer, over the measured window'),
          perMonth: z.number().describe('total scaled to 30 days (total / measuredSeconds x 2,592,000)'),
          byService: z
            .record(z.string(), z.number())
            .describe('compute by service: the replica-hours its replicas were up (cold starts and draining included) x its price'),
          byNodePool: z.record(z.string(), z.number()).describe('by node pool (perNodeHour): empty, nodes are not modelled yet'),
          network: z.number().describe('network transfer (network.costUsd); 0 without a network'),
          replicaHours: z
            .record(z.string(), z.number())
            .describe('replica-hours by service over the measured window (services with a cost)'),
        })
        .optional()
        .describe("the run's cost in US dollars; absent unless a service sets cost: or the scenario has a network"),
    },
    build(c: CostCollector | null, ctx) {
      if (c === null) return {};
      const { world, nowMs } = ctx;
      const ms = c.totals(nowMs);
      const byService: Record<string, number> = {};
      const replicaHours: Record<string, number> = {};
      let compute = 0;
      for (const s of world.services) {
        const price = s.spec.cost?.perReplicaHourUsd;
        if (price === undefined) continue;
        const hours = ms[s.index] / 3_600_000;
        replicaHours[s.name] = round(hours) ?? 0;
        byService[s.name] = round(hours * price) ?? 0;
        compute += hours * price;
      }
      const net = network.report.build(ctx.metrics.part(network), ctx).network?.costUsd ?? 0;
      const total = compute + net;
      const measuredS = Math.max(0, nowMs - world.warmupMs) / 1000;
      return {
        costUsd: {
          total: round(total) ?? 0,
          perMonth: round(measuredS > 0 ? (total / measuredS) * MONTH_S : 0) ?? 0,
          byService,
          byNodePool: {},
          network: net,
          replicaHours,
        },
      };
    },
    summary({ costUsd: c }) {
      if (c === undefined) return [];
      const parts = Object.entries(c.byService).map(([name, usd]) => `${name} $${usd.toFixed(4)}`);
      if (c.network > 0) parts.push(`network $${c.network.toFixed(4)}`);
      return [
        `cost: $${c.total.toFixed(4)} over the measured window ($${c.perMonth.toFixed(2)} per 30 days)${parts.length > 0 ? `: ${parts.join(', ')}` : ''}`,
        '',
      ];
    },
  },
});
