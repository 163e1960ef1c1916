// The network: messages and bytes on the wire by hop class and by region pair, their transfer cost, and retransmissions.
import { z } from 'zod';
import type { Location } from '../../model/network.js';
import type { World } from '../../model/world.js';
import { type Collector, defineFeature } from '../feature.js';
import { round } from '../report-fields.js';

/** Messages and bytes on the wire after the warm-up, by hop class (0 same datacenter, 1 across datacenters, 2 across regions) and by region pair. */
export class NetworkCollector implements Collector {
  readonly hops = [0, 0, 0];
  /** Transmissions lost and sent again after a retransmission timeout. */
  retransmits = 0;
  readonly bytes = [0, 0, 0];
  /** [regionA][regionB] bytes, in the direction sent. */
  readonly bytesByRegions: number[][];

  constructor(private readonly world: World) {
    const regions = Object.keys(world.spec.regions).length;
    this.bytesByRegions = Array.from({ length: regions }, () => new Array<number>(regions).fill(0));
  }

  hopSent(hopClass: number, from: Location, to: Location, bytes: number, retransmits: number): void {
    if (this.world.sim.nowMs < this.world.warmupMs) return;
    this.hops[hopClass]++;
    this.retransmits += retransmits;
    this.bytes[hopClass] += bytes;
    this.bytesByRegions[from.regionIndex][to.regionIndex] += bytes;
  }
}

/** Messages by hop class since the start, warm-up included: the dashboard's hop mix. */
export class NetworkLiveCollector implements Collector {
  readonly allHops: [number, number, number] = [0, 0, 0];

  hopSent(hopClass: number): void {
    this.allHops[hopClass]++;
  }
}

export const network = defineFeature({
  name: 'network',
  collect: (world: World) => (world.network === null ? null : new NetworkCollector(world)),
  report: {
    shape: {
      network: z
        .object({
          hops: z
            .object({ sameDatacenter: z.number().int(), crossDatacenter: z.number().int(), crossRegion: z.number().int() })
            .describe('messages sent (a call is a request and a response; clients to entry services count)'),
          bytes: z
            .object({ sameDatacenter: z.number(), crossDatacenter: z.number(), crossRegion: z.number() })
            .describe('bytes sent, from endpoint requestKB/responseKB (1 KB = 1024 bytes)'),
          bytesByRegionPair: z.record(z.string(), z.number()).describe('bytes sent from one region to another, as "from->to"'),
          costUsd: z.number().describe('bytes x pricePerGB of their hop class (1 GB = 2^30 bytes)'),
          lossRetransmits: z.number().int().describe('transmissions lost and sent again after network.retransmitTimeout'),
        })
        .nullable()
        .describe('traffic after the warm-up; null when the scenario has no network: section (hops are instantaneous)'),
    },
    build(n: NetworkCollector | null, { world }) {
      if (n === null || world.network === null) return { network: null };
      const net = world.network;
      const regions = Object.keys(world.spec.regions);
      const bytesByRegionPair: Record<string, number> = {};
      regions.forEach((a, i) => {
        regions.forEach((b, j) => {
          if (i !== j && n.bytesByRegions[i][j] > 0) bytesByRegionPair[`${a}->${b}`] = n.bytesByRegions[i][j];
        });
      });
      const cost = n.bytes.reduce((sum, bytes, c) => sum + (bytes / 2 ** 30) * net.pricePerGB(c), 0);
      return {
        network: {
          hops: { sameDatacenter: n.hops[0], crossDatacenter: n.hops[1], crossRegion: n.hops[2] },
          bytes: { sameDatacenter: n.bytes[0], crossDatacenter: n.bytes[1], crossRegion: n.bytes[2] },
          bytesByRegionPair,
          costUsd: round(cost) ?? 0,
          lossRetransmits: n.retransmits,
        },
      };
    },
    summary({ network: n }) {
      if (!n) return [];
      const gb = (n.bytes.sameDatacenter + n.bytes.crossDatacenter + n.bytes.crossRegion) / 2 ** 30;
      return [
        `network: ${n.hops.sameDatacenter} same-datacenter, ${n.hops.crossDatacenter} cross-datacenter, ${n.hops.crossRegion} cross-region messages; ${gb.toFixed(3)} GB, $${n.costUsd.toFixed(4)} transfer`,
        '',
      ];
    },
  },
  live: {
    collect: (world: World) => (world.network === null ? null : new NetworkLiveCollector()),
    view: (_world: World, _c: NetworkCollector | null, live: NetworkLiveCollector | null) => ({
      /** Messages sent since the start by hop class; null without a network. */
      fields: (): { readonly hops: readonly [number, number, number] | null } => ({
        hops: live === null ? null : (live.allHops.slice() as [number, number, number]),
      }),
    }),
  },
});
