// Where replicas and clients are, and what a hop between two places costs in time and bytes.
import { type Sampler, createSampler } from '../engine/distributions.js';
import type { RandomStreams } from '../engine/rng.js';
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

  constructor(readonly spec: NetworkSpec, regions: readonly string[], streams: RandomStreams) {
    this.byClass = HOP_CLASSES.map((c) => createSampler(spec.delay[c], streams.stream(`network:${c}`)));
    const links = new Map<string, Sampler>();
    for (const [key, d] of Object.entries(spec.links)) links.set(key, createSampler(d, streams.stream(`network:link:${key}`)));
    this.byRegions = regions.map((a) => regions.map((b) => links.get(a < b ? `${a}~${b}` : `${b}~${a}`) ?? this.byClass[CROSS_REGION]));
  }

  /** Draw the one-way delay (ms) of a message from `a` to `b`. */
  delayMs(a: Location, b: Location, hopClass: number): number {
    return hopClass === CROSS_REGION ? this.byRegions[a.regionIndex][b.regionIndex].sample() : this.byClass[hopClass].sample();
  }

  pricePerGB(hopClass: number): number {
    return this.spec.pricePerGB[HOP_CLASSES[hopClass] as HopClass];
  }
}
