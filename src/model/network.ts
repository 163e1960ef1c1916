// Where replicas and clients are, and what a hop between two places costs in time and bytes.
import { type Sampler, createSampler } from '../engine/distributions.js';
import type { RandomStream, RandomStreams } from '../engine/rng.js';
import { HOP_CLASSES, type HopClass, type NetworkSpec } from '../scenario/spec.js';

export interface Location {
  readonly index: number;
  /** `region/datacenter` */
  readonly id: string;
  readonly region: string;
  readonly regionIndex: number;
  readonly datacenter: string;
}

/** Hop classes as small integers for the hot path: 0 same datacenter, 1 across datacenters, 2 across regions. */
export const SAME_DC = 0;
export const CROSS_DC = 1;
export const CROSS_REGION = 2;

export function hopClassOf(a: Location, b: Location): number {
  if (a.index === b.index) return SAME_DC;
  return a.regionIndex === b.regionIndex ? CROSS_DC : CROSS_REGION;
}

export function buildLocations(regions: Readonly<Record<string, readonly string[]>>): Location[] {
  const out: Location[] = [];
  Object.entries(regions).forEach(([region, dcs], regionIndex) => {
    for (const datacenter of dcs) out.push({ index: out.length, id: `${region}/${datacenter}`, region, regionIndex, datacenter });
  });
  return out;
}

/**
 * One-way delays between locations: a sampler per hop class, and per region
 * pair where `links:` names one. Each has its own random stream, so adding a
 * link or a replica does not shift the other delays.
 */
export class Network {
  private readonly byClass: Sampler[];
  /** [regionA][regionB] -> the link's sampler, or the crossRegion one. */
  private readonly byRegions: Sampler[][];
  /** Milliseconds per byte on the wire, by hop class (0: no serialization delay). */
  private readonly msPerByte: number[];
  private readonly lossByClass: number[];
  private readonly lossByRegions: number[][];
  private readonly lossRng: RandomStream;
  /** Transmissions lost and sent again (after the warm-up counts are kept by the metrics). */
  retransmits = 0;
  /** Latency faults on region pairs: [a][b] -> extra delay and factor. */
  private readonly linkFaults: ({ add: Sampler | null; multiply: number } | null)[][];
  private readonly regionIndex: Map<string, number>;

  constructor(
    readonly spec: NetworkSpec,
    regions: readonly string[],
    streams: RandomStreams,
  ) {
    this.byClass = HOP_CLASSES.map((c) => createSampler(spec.delay[c], streams.stream(`network:${c}`)));
    const links = new Map<string, Sampler>();
    for (const [key, d] of Object.entries(spec.links)) links.set(key, createSampler(d, streams.stream(`network:link:${key}`)));
    const pair = (a: string, b: string) => (a < b ? `${a}~${b}` : `${b}~${a}`);
    this.byRegions = regions.map((a) => regions.map((b) => links.get(pair(a, b)) ?? this.byClass[CROSS_REGION]));
    this.msPerByte = HOP_CLASSES.map((c) => (spec.bandwidthBps[c] === null ? 0 : (8 * 1000) / spec.bandwidthBps[c]!));
    this.lossByClass = HOP_CLASSES.map((c) => spec.loss[c]);
    this.lossByRegions = regions.map((a) => regions.map((b) => spec.linkLoss[pair(a, b)] ?? spec.loss.crossRegion));
    this.lossRng = streams.stream('network:loss');
    this.linkFaults = regions.map(() => regions.map(() => null));
    this.regionIndex = new Map(regions.map((r, i) => [r, i]));
  }

  /** Start or end a latency fault on the link `a~b` (both directions). */
  setLinkFault(link: string, add: Sampler | null, multiply: number): void {
    const [a, b] = link.split('~').map((r) => this.regionIndex.get(r)!);
    const fault = add === null && multiply === 1 ? null : { add, multiply };
    this.linkFaults[a][b] = fault;
    this.linkFaults[b][a] = fault;
  }

  /**
   * Draw the one-way delay (ms) of a message of `bytes` from `a` to `b`: the
   * propagation delay of its class or link, the time to put its bits on the
   * wire, and a retransmission timeout for every time it is lost.
   */
  delayMs(a: Location, b: Location, hopClass: number, bytes: number): number {
    let ms = hopClass === CROSS_REGION ? this.byRegions[a.regionIndex][b.regionIndex].sample() : this.byClass[hopClass].sample();
    const fault = hopClass === CROSS_REGION ? this.linkFaults[a.regionIndex][b.regionIndex] : null;
    if (fault !== null) ms = ms * fault.multiply + (fault.add ? fault.add.sample() : 0);
    ms += bytes * this.msPerByte[hopClass];
    const loss = hopClass === CROSS_REGION ? this.lossByRegions[a.regionIndex][b.regionIndex] : this.lossByClass[hopClass];
    if (loss > 0) {
      while (this.lossRng.next() < loss) {
        ms += this.spec.retransmitTimeoutMs;
        this.retransmits++;
      }
    }
    return ms;
  }

  pricePerGB(hopClass: number): number {
    return this.spec.pricePerGB[HOP_CLASSES[hopClass] as HopClass];
  }
}
