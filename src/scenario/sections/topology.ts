// Regions, datacenters and the network between them: where replicas and clients are, which replicas callers prefer, delays, discovery.
import { z } from 'zod';
import type { DistSpec } from '../../engine/distributions.js';
import { distribution, duration, probability, strict, unit } from '../fields.js';
import type { PathSegment, Problem } from '../problems.js';
import { NAME, type Raw, isMapping } from '../raw.js';
import type { Input, Section } from '../section.js';
import { suggest } from '../suggest.js';
import { parseBandwidth } from '../units.js';

export type Locality = 'none' | 'datacenter' | 'region';
export const LOCALITIES: readonly Locality[] = ['none', 'datacenter', 'region'];

export type HopClass = 'sameDatacenter' | 'crossDatacenter' | 'crossRegion';
export const HOP_CLASSES: readonly HopClass[] = ['sameDatacenter', 'crossDatacenter', 'crossRegion'];

/** One-way delays between replicas (and clients). Without a `network:` section hops take no time. */
export interface NetworkSpec {
  readonly delay: Readonly<Record<HopClass, DistSpec>>;
  /** Per region pair, `a~b` with the names sorted: overrides crossRegion. */
  readonly links: Readonly<Record<string, DistSpec>>;
  /** USD per GB sent, by hop class. */
  readonly pricePerGB: Readonly<Record<HopClass, number>>;
  /** Bits per second by hop class (null: no serialization delay): a message of B bytes takes 8B/bandwidth more. */
  readonly bandwidthBps: Readonly<Record<HopClass, number | null>>;
  /** Probability that a transmission is lost, by hop class and by region pair (`a~b`, overriding crossRegion). */
  readonly loss: Readonly<Record<HopClass, number>>;
  readonly linkLoss: Readonly<Record<string, number>>;
  /** What a lost transmission costs before it is sent again (TCP's minimum RTO: 200 ms). */
  readonly retransmitTimeoutMs: number;
}

export interface TopologyScenarioPart {
  /** Regions and their datacenters, in file order; one implicit `local/dc1` when the file has none. */
  readonly regions: Readonly<Record<string, readonly string[]>>;
  readonly network: NetworkSpec | null;
  /** How long callers take to learn that a replica went down or came up (health checks + propagation). */
  readonly discoveryDelayMs: number;
}

/** Replicas per location (`region/dc`), in the order they are numbered. */
export type Placement = readonly { readonly location: string; readonly replicas: number }[];

export interface TopologyServicePart {
  /** Replicas per location (`region/dc`), in the order they are numbered. */
  readonly placement: Placement;
  /** How callers choose among this service's replicas by location. */
  readonly locality: Locality;
}

export interface TopologyCallPart {
  /** Overrides the callee's locality for this call (null: the callee's). */
  readonly locality: Locality | null;
}

export const locality = z.enum(LOCALITIES as [string, ...string[]]);

const perHopClass = <T extends z.ZodType>(t: T) =>
  strict({ sameDatacenter: t.optional(), crossDatacenter: t.optional(), crossRegion: t.optional() });

const network = strict({
  sameDatacenter: distribution.optional(),
  crossDatacenter: distribution.optional(),
  crossRegion: distribution.optional(),
  links: z.record(z.string(), distribution).optional(),
  pricePerGB: perHopClass(z.number().min(0)).optional(),
  bandwidth: perHopClass(unit(parseBandwidth)).optional(),
  loss: z.record(z.string(), probability).optional(),
  retransmitTimeout: duration.optional(),
});

const topFields = {
  regions: z.record(z.string(), z.array(z.string().min(1)).min(1)).optional(),
  network: network.optional(),
  discovery: strict({ delay: duration.optional() }).optional(),
};
type TopInput = Input<typeof topFields>;
type ServiceInput = { replicas?: number | Record<string, number>; locality?: string };

export const topology: Section<{ top: TopologyScenarioPart; service: TopologyServicePart; call: TopologyCallPart }> = {
  name: 'topology',
  top: {
    fields: topFields,
    build: (top: TopInput, _top, ctx) => ({
      regions: regionsOf(ctx.data),
      network: top.network ? networkSpec(top.network) : null,
      discoveryDelayMs: top.discovery?.delay ?? 0,
    }),
  },
  service: {
    fields: { locality: locality.optional() },
    fieldsAt: { after: 'replicas' },
    build: (svc: ServiceInput, _top, ctx) => ({
      placement: placementOf(svc.replicas, ctx.data),
      locality: (svc.locality as Locality | undefined) ?? 'none',
    }),
    builtAt: { after: 'replicas' },
  },
  call: {
    fields: { locality: locality.optional() },
    build: (c: { locality?: string }) => ({ locality: (c.locality as Locality | undefined) ?? null }),
  },
  check: checkTopology,
};

/** `replicas: 3` (all in the first datacenter of the first region) or `{ us-east/dc1: 2, ... }` as locations. */
export function placementOf(replicas: number | Record<string, number> | undefined, data: Raw): Placement {
  if (typeof replicas === 'object') return Object.entries(replicas).map(([location, n]) => ({ location, replicas: n }));
  const [firstRegion, firstDcs] = Object.entries(regionsOf(data))[0];
  return [{ location: `${firstRegion}/${firstDcs[0]}`, replicas: replicas ?? 1 }];
}

function networkSpec(network: NonNullable<TopInput['network']>): NetworkSpec {
  return {
    delay: {
      sameDatacenter: network.sameDatacenter ?? DEFAULT_DELAYS.sameDatacenter,
      crossDatacenter: network.crossDatacenter ?? DEFAULT_DELAYS.crossDatacenter,
      crossRegion: network.crossRegion ?? DEFAULT_DELAYS.crossRegion,
    },
    links: Object.fromEntries(Object.entries(network.links ?? {}).map(([k, d]) => [linkKey(...(k.split('~') as [string, string])), d])),
    pricePerGB: { ...DEFAULT_PRICE_PER_GB, ...network.pricePerGB },
    bandwidthBps: {
      sameDatacenter: network.bandwidth?.sameDatacenter ?? null,
      crossDatacenter: network.bandwidth?.crossDatacenter ?? null,
      crossRegion: network.bandwidth?.crossRegion ?? null,
    },
    loss: {
      sameDatacenter: network.loss?.sameDatacenter ?? 0,
      crossDatacenter: network.loss?.crossDatacenter ?? 0,
      crossRegion: network.loss?.crossRegion ?? 0,
    },
    linkLoss: Object.fromEntries(
      Object.entries(network.loss ?? {})
        .filter(([k]) => k.includes('~'))
        .map(([k, p]) => [linkKey(...(k.split('~') as [string, string])), p]),
    ),
    retransmitTimeoutMs: network.retransmitTimeout ?? 200,
  };
}

/** Used when a scenario has no `regions:`: everything sits in one datacenter. */
export const IMPLICIT_REGIONS: Readonly<Record<string, readonly string[]>> = { local: ['dc1'] };

/**
 * One-way delays when `network:` leaves a class out (sources in shared reference numbers):
 * half the 0.5 ms same-datacenter round trip of the classic latency table; half of the
 * 1.5-2.4 ms round trip measured across zones of one region (IBM Cloud VPC, 2024); half of
 * the 70 ms us-east-1 to eu-west-1 round trip (cloudping.co p50 matrix, about 2023).
 */
export const DEFAULT_DELAYS: Readonly<Record<HopClass, DistSpec>> = {
  sameDatacenter: { kind: 'constant', valueMs: 0.25 },
  crossDatacenter: { kind: 'constant', valueMs: 1 },
  crossRegion: { kind: 'constant', valueMs: 35 },
};

/**
 * USD per GB crossing each class (AWS list prices; check current pricing): free inside a zone,
 * $0.01 out plus $0.01 in across zones of a region, about $0.02 between US/EU regions.
 */
export const DEFAULT_PRICE_PER_GB: Readonly<Record<HopClass, number>> = { sameDatacenter: 0, crossDatacenter: 0.02, crossRegion: 0.02 };

/** The regions of raw scenario data (or the implicit one). */
export function regionsOf(data: Raw): Record<string, readonly string[]> {
  if (!isMapping(data.regions)) return { ...IMPLICIT_REGIONS };
  const out: Record<string, readonly string[]> = {};
  for (const [r, dcs] of Object.entries(data.regions))
    if (Array.isArray(dcs)) out[r] = dcs.filter((d): d is string => typeof d === 'string');
  return out;
}

export function locationsOf(regions: Readonly<Record<string, readonly string[]>>): string[] {
  return Object.entries(regions).flatMap(([r, dcs]) => dcs.map((d) => `${r}/${d}`));
}

/** Every `a~b` of two different names, in both orders (what a link, a loss or a partition may name). */
export function pairsOf(names: readonly string[]): string[] {
  return names.flatMap((a) => names.filter((b) => b !== a).map((b) => `${a}~${b}`));
}

/** `a~b` with the region names in order, so a link has one name. */
export function linkKey(a: string, b: string): string {
  return a < b ? `${a}~${b}` : `${b}~${a}`;
}

/** Region and datacenter names, locations that exist, links and losses between regions that exist. */
function checkTopology(data: Raw): Problem[] {
  const problems: Problem[] = [];
  const regions = regionsOf(data);
  const locations = locationsOf(regions);
  const hasRegions = isMapping(data.regions);
  const checkLocation = (value: unknown, path: PathSegment[], atKey = false) => {
    if (typeof value !== 'string' || locations.includes(value)) return;
    const expected = hasRegions
      ? `a location region/datacenter (${locations.join(', ')})`
      : 'a location defined under regions: (this scenario has none)';
    problems.push({
      path,
      expected,
      found: JSON.stringify(value),
      hint: suggest(value, locations, 'did you mean "%s"?') || undefined,
      atKey,
    });
  };

  if (isMapping(data.regions)) {
    if (Object.keys(data.regions).length === 0)
      problems.push({ path: ['regions'], expected: 'at least one region, such as { us-east: [dc1] }', found: 'an empty mapping' });
    for (const [r, dcs] of Object.entries(data.regions)) {
      if (!NAME.test(r))
        problems.push({
          path: ['regions', r],
          expected: 'a region name of letters, digits, "-" and "_"',
          found: JSON.stringify(r),
          atKey: true,
        });
      if (!Array.isArray(dcs)) continue;
      const seen = new Set<string>();
      dcs.forEach((d, i) => {
        if (typeof d !== 'string') return;
        if (!NAME.test(d))
          problems.push({
            path: ['regions', r, i],
            expected: 'a datacenter name of letters, digits, "-" and "_"',
            found: JSON.stringify(d),
          });
        if (seen.has(d)) problems.push({ path: ['regions', r, i], expected: 'each datacenter once', found: `"${d}" twice in ${r}` });
        seen.add(d);
      });
    }
  }
  if (isMapping(data.services)) {
    for (const [name, svc] of Object.entries(data.services)) {
      if (!isMapping(svc) || !isMapping(svc.replicas)) continue;
      if (Object.keys(svc.replicas).length === 0)
        problems.push({
          path: ['services', name, 'replicas'],
          expected: 'at least one location, such as { us-east/dc1: 2 }',
          found: 'an empty mapping',
        });
      for (const loc of Object.keys(svc.replicas)) checkLocation(loc, ['services', name, 'replicas', loc], true);
    }
  }
  if (isMapping(data.caches)) {
    for (const [name, c] of Object.entries(data.caches)) {
      if (!isMapping(c) || !isMapping(c.replicas)) continue;
      if (Object.keys(c.replicas).length === 0)
        problems.push({
          path: ['caches', name, 'replicas'],
          expected: 'at least one location, such as { us-east/dc1: 2 }',
          found: 'an empty mapping',
        });
      for (const loc of Object.keys(c.replicas)) checkLocation(loc, ['caches', name, 'replicas', loc], true);
    }
  }
  if (Array.isArray(data.workloads)) {
    data.workloads.forEach((w, i) => {
      if (isMapping(w)) checkLocation(w.from, ['workloads', i, 'from']);
    });
  }
  const pairs = pairsOf(Object.keys(regions));
  const pairExample = pairs[0] ?? 'us-east~eu-west';
  if (isMapping(data.network) && isMapping(data.network.links)) {
    const seen = new Map<string, string>();
    for (const key of Object.keys(data.network.links)) {
      const path = ['network', 'links', key];
      if (!pairs.includes(key)) {
        problems.push({
          path,
          expected: `a pair of different regions such as ${pairExample}`,
          found: JSON.stringify(key),
          hint: suggest(key, pairs, 'did you mean "%s"?') || undefined,
          atKey: true,
        });
        continue;
      }
      const [a, b] = key.split('~');
      const norm = linkKey(a, b);
      if (seen.has(norm))
        problems.push({ path, expected: 'each region pair once', found: `"${key}" and "${seen.get(norm)}"`, atKey: true });
      seen.set(norm, key);
    }
  }
  if (isMapping(data.network) && isMapping(data.network.loss)) {
    const classes = ['sameDatacenter', 'crossDatacenter', 'crossRegion'];
    for (const key of Object.keys(data.network.loss)) {
      if (classes.includes(key) || pairs.includes(key)) continue;
      problems.push({
        path: ['network', 'loss', key],
        expected: `a hop class (${classes.join(', ')}) or a region pair such as ${pairExample}`,
        found: JSON.stringify(key),
        hint: suggest(key, [...classes, ...pairs], 'did you mean "%s"?') || undefined,
        atKey: true,
      });
    }
  }
  return problems;
}
