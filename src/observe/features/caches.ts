// Caches: each cache's lookups, hits, evictions and stampedes, the load reaching each cached endpoint's origin, and the dashboard's cache strip.
import { z } from 'zod';
import { CacheEvent, type CacheLevel, cacheWorkOf } from '../../model/cache.js';
import { cacheLevelsOf } from '../../model/flows/cached.js';
import type { Endpoint } from '../../model/service.js';
import type { Span } from '../../model/span.js';
import type { World } from '../../model/world.js';
import { type Collector, type LiveView, type LogLine, defineFeature } from '../feature.js';
import { formatPercent, formatWhole, table } from '../format.js';
import { round, stat } from '../report-fields.js';

/** One cache's counts, by CacheEvent, summed over its copies. */
export class CacheMetrics {
  readonly counts: number[] = new Array<number>(Object.keys(CacheEvent).length).fill(0);
  /** The most fetches of one key from below this cache at once (a stampede's size; 1 with coalescing). */
  maxConcurrentFetches = 0;

  get lookups(): number {
    return this.counts[CacheEvent.Hit] + this.counts[CacheEvent.Miss];
  }
}

/** Requests of an endpoint with caches, and how many of them reached its origin (its own work and calls). */
export class OriginMetrics {
  requests = 0;
  writes = 0;
  /** Requests (and background refreshes) that ran the origin. */
  origin = 0;
  refreshes = 0;
}

/** Count a finished span of an endpoint with caches: a request (or a background refresh), and whether it ran the origin. */
function countOrigin(origins: Map<Endpoint, OriginMetrics>, span: Span): void {
  const w = cacheWorkOf(span)!;
  let m = origins.get(span.endpoint);
  if (m === undefined) origins.set(span.endpoint, (m = new OriginMetrics()));
  if (w.background) m.refreshes++;
  else {
    m.requests++;
    if (w.write) m.writes++;
  }
  if (w.origin) m.origin++;
}

/** Counts after the warm-up: per cache (by CacheEvent), and per endpoint with caches. */
export class CachesCollector implements Collector {
  readonly caches: CacheMetrics[];
  /** Endpoints with caches, in the order their first request ended. */
  readonly origins = new Map<Endpoint, OriginMetrics>();

  constructor(private readonly world: World) {
    this.caches = world.caches.map(() => new CacheMetrics());
  }

  cacheEvent(level: CacheLevel, kind: CacheEvent, _key: number, count: number): void {
    if (this.world.sim.nowMs < this.world.warmupMs) return;
    const m = this.caches[level.index];
    m.counts[kind]++;
    if (kind === CacheEvent.Miss && count > m.maxConcurrentFetches) m.maxConcurrentFetches = count;
  }

  spanFinished(span: Span): void {
    if (span.measured && span.flowState !== null && cacheWorkOf(span) !== null) countOrigin(this.origins, span);
  }
}

/** A stampede as the event log tells it. */
export interface StampedeNote {
  atMs: number;
  cache: string;
  key: number;
  /** Requests that missed the key at once. */
  count: number;
  coalesced: boolean;
}

const STAMPEDES_KEPT = 100; // stampedes waiting to be logged, at most

/** What the dashboard shows: counts since the start (warm-up included), and stampedes not yet logged. */
export class CachesLiveCollector implements Collector {
  /** Every cache's counts since the start, by CacheEvent. */
  readonly allCaches: CacheMetrics[];
  /** Per endpoint with caches: requests and origin runs since the start. */
  readonly allOrigins = new Map<Endpoint, OriginMetrics>();
  /** Stampedes not yet taken by the event log (the oldest first; at most 100 kept). */
  readonly stampedes: StampedeNote[] = [];

  constructor(private readonly world: World) {
    this.allCaches = world.caches.map(() => new CacheMetrics());
  }

  cacheEvent(level: CacheLevel, kind: CacheEvent, key: number, count: number): void {
    this.allCaches[level.index].counts[kind]++;
    if (kind === CacheEvent.Stampede && this.stampedes.length < STAMPEDES_KEPT)
      this.stampedes.push({ atMs: this.world.sim.nowMs, cache: level.name, key, count, coalesced: level.spec.coalesce });
  }

  spanFinished(span: Span): void {
    if (span.flowState !== null && cacheWorkOf(span) !== null) countOrigin(this.allOrigins, span);
  }
}

/** A cache over the recent window (rates per simulated second); local caches summed over replicas. */
export interface CacheRow {
  readonly name: string;
  readonly kind: 'local' | 'shared';
  /** Replicas (local) or nodes (shared) holding a copy now. */
  readonly copies: number;
  /** Hits / lookups over the recent window (null: no lookups). */
  readonly hitRatio: number | null;
  readonly lookupsPerSec: number;
  readonly evictionsPerSec: number;
  readonly expirationsPerSec: number;
  readonly coalescedPerSec: number;
  /** Since the start. */
  readonly stampedes: number;
}

/** An endpoint with caches: its requests and those reaching its origin, per simulated second over the recent window. */
export interface OriginRow {
  readonly endpoint: string;
  readonly requestsPerSec: number;
  readonly originPerSec: number;
}

/** What the dashboard samples: per cache, its cumulative counts; per endpoint with caches, [requests, origin runs]. */
export interface CachesSample {
  caches: number[][];
  origins: [number, number][];
}

/** The cache strip: a row per cache, a row per cached endpoint (empty without caches). */
export interface CachesFields {
  readonly caches: readonly CacheRow[];
  readonly origins: readonly OriginRow[];
}

/** Endpoints with caches, in service order. */
const cachedEndpoints = (world: World): Endpoint[] =>
  world.services.flatMap((svc) => [...svc.endpoints.values()].filter((ep) => cacheLevelsOf(ep) !== null));

const cacheShape = z.object({
  kind: z.enum(['local', 'shared']),
  copies: z.number().int().describe('replicas (local) or nodes (shared) holding a copy at the end'),
  capacity: z.number().int().describe('entries per copy'),
  entries: z.number().int().describe('entries held at the end, over all copies'),
  lookups: z
    .number()
    .int()
    .describe('hits + misses: lookups by requests (a lookup again after waiting on another fetch is not counted twice)'),
  hits: z.number().int(),
  misses: z.number().int(),
  hitRatio: stat.describe('hits / lookups'),
  evictions: z.number().int().describe('fresh entries removed to make room'),
  expirations: z.number().int().describe('entries found expired (on lookup, or when chosen to make room)'),
  coalesced: z
    .number()
    .int()
    .describe('misses that waited for a fetch of the key already in progress instead of going on (coalesce: true)'),
  fills: z.number().int().describe('entries written after a miss (or by a write with onWrite: update)'),
  writes: z.number().int().describe('writes of a key that reached this cache (it was dropped, or updated)'),
  refreshes: z.number().int().describe('entries refreshed in the background before they expired (refreshAhead)'),
  errors: z.number().int().describe('shared: lookups with no answer (node down, timed out, partitioned), taken as misses'),
  stampedes: z
    .number()
    .int()
    .describe('times that 10 or more requests missed one key at once (fetching it, or waiting on one fetch with coalesce)'),
  maxConcurrentFetches: z
    .number()
    .int()
    .describe("the most fetches of one key from below this cache at once: a stampede's size, 1 with coalesce"),
});

const cachedEndpointShape = z.object({
  keys: z.string().describe('the key space requests draw from'),
  caches: z.array(z.string()).describe('lookup order'),
  requests: z.number().int().describe('requests that ended (after the warm-up)'),
  writes: z.number().int().describe('of those, writes (they skip the caches)'),
  originRequests: z
    .number()
    .int()
    .describe("runs of the endpoint's own work and calls: misses at every level, writes and background refreshes"),
  originLoadReduction: stat.describe('1 - originRequests / requests: the share of the load the caches take off the origin'),
});

export const caches = defineFeature({
  name: 'caches',
  collect: (world: World) => (world.caches.length > 0 ? new CachesCollector(world) : null),
  report: {
    shape: {
      caches: z.record(z.string(), cacheShape).describe('caches, counted after the warm-up; local caches summed over replicas'),
      cachedEndpoints: z
        .record(z.string(), cachedEndpointShape)
        .describe('"service.endpoint" with caches: how much load reaches the origin'),
    },
    build: (c: CachesCollector | null, { world }) => ({
      caches: Object.fromEntries(
        world.caches.map((level, i): [string, z.infer<typeof cacheShape>] => {
          const m = c!.caches[i];
          const n = m.counts;
          const holders = level.holders();
          return [
            level.name,
            {
              kind: level.spec.kind,
              copies: holders.length,
              capacity: level.spec.capacity,
              entries: holders.reduce((sum, r) => sum + (level.copyAt(r)?.store.size ?? 0), 0),
              lookups: m.lookups,
              hits: n[CacheEvent.Hit],
              misses: n[CacheEvent.Miss],
              hitRatio: round(m.lookups > 0 ? n[CacheEvent.Hit] / m.lookups : NaN),
              evictions: n[CacheEvent.Eviction],
              expirations: n[CacheEvent.Expiration],
              coalesced: n[CacheEvent.Coalesced],
              fills: n[CacheEvent.Fill],
              writes: n[CacheEvent.Write],
              refreshes: n[CacheEvent.Refresh],
              errors: n[CacheEvent.Error],
              stampedes: n[CacheEvent.Stampede],
              maxConcurrentFetches: m.maxConcurrentFetches,
            },
          ];
        }),
      ),
      cachedEndpoints: Object.fromEntries(
        cachedEndpoints(world).map((ep): [string, z.infer<typeof cachedEndpointShape>] => {
          const m = c?.origins.get(ep);
          const requests = m?.requests ?? 0;
          const origin = m?.origin ?? 0;
          return [
            `${ep.service.name}.${ep.name}`,
            {
              keys: ep.keys!.space.name,
              caches: cacheLevelsOf(ep)!.map((l) => l.name),
              requests,
              writes: m?.writes ?? 0,
              originRequests: origin,
              originLoadReduction: round(requests > 0 ? 1 - origin / requests : NaN),
            },
          ];
        }),
      ),
    }),
    summary({ caches, cachedEndpoints }) {
      const rows = Object.entries(caches);
      if (rows.length === 0) return [];
      const out = [
        table(
          ['cache', 'kind', 'lookups', 'hit ratio', 'evicted', 'expired', 'coalesced', 'stampedes', 'max fetch'],
          rows.map(([name, c]) => [
            name,
            `${c.kind} x${c.copies}`,
            formatWhole(c.lookups),
            c.hitRatio === null ? '-' : formatPercent(c.hitRatio),
            formatWhole(c.evictions),
            formatWhole(c.expirations),
            formatWhole(c.coalesced),
            String(c.stampedes),
            String(c.maxConcurrentFetches),
          ]),
        ),
      ];
      for (const [name, e] of Object.entries(cachedEndpoints)) {
        if (e.requests === 0) continue;
        out.push(
          `origin load ${name}: ${formatPercent(e.originRequests / e.requests)} of requests (${e.originRequests}/${e.requests}), ${formatPercent(e.originLoadReduction ?? NaN)} off by caching`,
        );
      }
      out.push('');
      return out;
    },
  },
  live: {
    collect: (world: World) => (world.caches.length > 0 ? new CachesLiveCollector(world) : null),
    view(world: World, _c: CachesCollector | null, live: CachesLiveCollector | null): LiveView<CachesSample, CachesFields, object> {
      const endpoints = cachedEndpoints(world);
      return {
        sample: (): CachesSample => ({
          caches: live === null ? [] : live.allCaches.map((c) => c.counts.slice()),
          origins: endpoints.map((ep): [number, number] => {
            const o = live?.allOrigins.get(ep);
            return o === undefined ? [0, 0] : [o.requests, o.origin];
          }),
        }),

        /**
         * Stampedes, one line per cache and simulated second (a wave of expiries
         * stampedes many keys at once), once that second is over.
         */
        log(nowMs: number, done: boolean): LogLine[] {
          if (live === null) return [];
          const pending = live.stampedes;
          const before = done ? Infinity : Math.floor(nowMs / 1000) * 1000;
          let n = 0;
          while (n < pending.length && pending[n].atMs < before) n++;
          const groups = new Map<string, StampedeNote[]>(); // in time order
          for (const note of pending.splice(0, n)) {
            const key = `${Math.floor(note.atMs / 1000)}|${note.cache}`;
            const group = groups.get(key);
            if (group) group.push(note);
            else groups.set(key, [note]);
          }
          const lines: LogLine[] = [];
          for (const [first, ...more] of groups.values()) {
            const keys = `${world.keyName(first.key)}${more.length > 0 ? ` +${more.length} key${more.length > 1 ? 's' : ''}` : ''}`;
            const what = first.coalesced ? `${first.count}+ misses waiting on one fetch` : `${first.count}+ misses fetching it at once`;
            lines.push({ atMs: first.atMs, kind: first.coalesced ? 'info' : 'refused', text: `${first.cache} stampede: ${keys}, ${what}` });
          }
          return lines;
        },

        fields({ first, newest, dSimS }) {
          const rate = (n: number) => (dSimS > 0 ? n / dSimS : 0);
          return {
            caches: world.caches.map((level, i): CacheRow => {
              const a = first.caches[i];
              const b = newest.caches[i];
              const d = (k: CacheEvent) => b[k] - a[k];
              const lookups = d(CacheEvent.Hit) + d(CacheEvent.Miss);
              return {
                name: level.name,
                kind: level.spec.kind,
                copies: level.holders().length,
                hitRatio: lookups > 0 ? d(CacheEvent.Hit) / lookups : null,
                lookupsPerSec: rate(lookups),
                evictionsPerSec: rate(d(CacheEvent.Eviction)),
                expirationsPerSec: rate(d(CacheEvent.Expiration)),
                coalescedPerSec: rate(d(CacheEvent.Coalesced)),
                stampedes: b[CacheEvent.Stampede],
              };
            }),
            origins: endpoints.map(
              (ep, i): OriginRow => ({
                endpoint: `${ep.service.name}.${ep.name}`,
                requestsPerSec: rate(newest.origins[i][0] - first.origins[i][0]),
                originPerSec: rate(newest.origins[i][1] - first.origins[i][1]),
              }),
            ),
          };
        },
      };
    },
  },
});
