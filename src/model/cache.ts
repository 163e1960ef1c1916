// Caches at run time: per-request lookups level by level, fills, writes, single-flight, refresh-ahead and stampedes.
import { type Sampler, createSampler } from '../engine/distributions.js';
import type { RandomStreams } from '../engine/rng.js';
import type { CacheSpec, OnWrite } from '../scenario/spec.js';
import { CacheStore } from './cache-store.js';
import type { Location } from './network.js';
import type { Call, Replica, Service } from './service.js';
import { Outcome, Span } from './span.js';
import type { World } from './world.js';

/** What a cache level tells its observers. */
export const CacheEvent = {
  Hit: 0,
  Miss: 1,
  /** A miss that waited for another request's fetch of the key (single-flight) instead of going on. */
  Coalesced: 2,
  Fill: 3,
  Eviction: 4,
  Expiration: 5,
  /** A write reached the level (the key dropped, or updated with onWrite: update). */
  Write: 6,
  /** A hit found the entry close to expiry and refreshed it in the background. */
  Refresh: 7,
  /** Many requests missed one key at once (`count` of them). */
  Stampede: 8,
  /** A lookup of a shared cache got no answer (node down, timed out): taken as a miss. */
  Error: 9,
} as const;
export type CacheEvent = (typeof CacheEvent)[keyof typeof CacheEvent];

/** Concurrent misses of one key that make a stampede worth a line in the event log. */
export const STAMPEDE_AT = 10;

/** Where a request is in its lookup. */
const Phase = { Start: 0, LocalLookup: 1, RemoteLookup: 2, Waiting: 3, Origin: 4, Hit: 5 } as const;

/** What a lookup at a store found. */
const Found = { Nothing: 0, Hit: 1, HitRefresh: 2, Miss: 3, Wait: 4 } as const;
type Found = (typeof Found)[keyof typeof Found];

/** Fetches from the origin of one key in progress through one cache, and the requests waiting on them (coalesce). */
class Fetches {
  count = 0;
  waiters: Span[] | null = null;
  reported = false;
}

/** One copy of a cache's contents: a replica's local cache, or a shared cache node's. */
export class CacheCopy {
  constructor(
    readonly store: CacheStore,
    /** A local cache's fetches in progress by key (in-process single-flight); a shared cache keeps its own, see CacheLevel. */
    readonly fetches: Map<number, Fetches>,
  ) {}
}

/** A request's progress through the caches of its endpoint. Allocated only for endpoints with caches. */
export class CacheWork {
  phase: number = Phase.Start;
  /** Position in the endpoint's lookup order now. */
  level = 0;
  /** Positions that missed (filled when the value comes back), and positions where this request counts as a fetch. */
  missMask = 0;
  fetchMask = 0;
  /** A shared cache's answer to the lookup in flight, and which cache it is for. */
  found: Found = Found.Nothing;
  foundFor: CacheLevel | null = null;
  /** Position whose entry this request refreshes in the background when it ends (-1: none). */
  refreshLevel = -1;
  /** Looking again after waiting on another fetch: not counted twice. */
  again = false;
  /** Ran the origin (the endpoint's own work and calls). */
  origin = false;
  constructor(
    readonly key: number,
    readonly write: boolean,
    /** A background refresh, not a client's request. */
    readonly background: boolean,
  ) {}
}

/** Is the span's CPU work a local cache lookup (rather than its endpoint's own work)? */
export function awaitsLocalLookup(span: Span): boolean {
  return span.cache !== null && span.cache.phase === Phase.LocalLookup;
}

/** Is the span waiting for a shared cache's answer (rather than for its endpoint's calls)? */
export function awaitsRemoteLookup(span: Span): boolean {
  return span.cache !== null && span.cache.phase === Phase.RemoteLookup;
}

/** The calls a caller makes to a shared cache's nodes. */
export interface CacheCalls {
  readonly get: Call;
  readonly set: Call;
  readonly del: Call;
}

/** One cache of the scenario at run time: its copies, its counters (through the listener) and its single-flight state. */
export class CacheLevel {
  readonly ttlMs: number;
  /** Entries with less than this left are refreshed ahead of expiry on a hit (0: never). */
  readonly refreshAheadMs: number;
  /** What a local lookup costs the calling replica. */
  readonly hitCpu: Sampler;
  /** Shared: the service of the cache's nodes (null for a local cache). */
  readonly service: Service | null;
  private readonly sharedFetches = new Map<number, Fetches>();

  constructor(
    readonly index: number,
    readonly spec: CacheSpec,
    private readonly world: World,
    private readonly streams: RandomStreams,
  ) {
    this.ttlMs = spec.ttlMs ?? Infinity;
    this.refreshAheadMs = spec.refreshAhead !== null && spec.ttlMs !== null ? spec.refreshAhead * spec.ttlMs : 0;
    this.hitCpu = createSampler(spec.hit, streams.stream(`cache:${spec.name}:hit`));
    this.service = spec.kind === 'shared' ? world.service(spec.name) : null;
    if (this.service !== null) this.service.cacheLevel = this;
  }

  get name(): string {
    return this.spec.name;
  }

  /** The copy a replica holds (its local cache, or a node's contents); made on first use, lost when the replica is killed. */
  copyOf(replica: Replica): CacheCopy {
    let c = replica.cacheCopies[this.index];
    if (c === undefined) {
      const rng = this.spec.eviction === 'random' ? this.streams.stream(`cache:${this.name}:${replica.id}:evict`) : null;
      c = replica.cacheCopies[this.index] = new CacheCopy(new CacheStore(this.spec.entriesPerCopy, this.spec.eviction, rng), new Map());
    }
    return c;
  }

  /** The replicas holding a copy now: those of the services using a local cache, or a shared cache's nodes (a killed one has none until it is used again). */
  holders(): Replica[] {
    const candidates = this.service !== null ? this.service.replicas : this.world.services.flatMap((s) => s.replicas);
    return candidates.filter((r) => r.cacheCopies[this.index] !== undefined);
  }

  private emit(kind: CacheEvent, key: number, count = 1): void {
    this.world.listener.cacheEvent(this, kind, key, count);
  }

  /**
   * Look the key up in a copy: a hit, a miss (the request now counts as a fetch of it), or wait
   * (another fetch is on its way). A lookup whose request no longer waits for it (`awaited`
   * false: it timed out, or the request ended) is counted but takes no fetch: nobody would make it.
   */
  lookup(copy: CacheCopy, work: CacheWork, position: number, requester: Replica, awaited = true): Found {
    const now = this.world.sim.nowMs;
    const store = copy.store;
    const expired = store.expirations;
    const slot = store.get(work.key, now);
    if (store.expirations !== expired) this.emit(CacheEvent.Expiration, work.key);
    const counted = !work.again;
    if (slot >= 0) {
      if (counted) this.emit(CacheEvent.Hit, work.key);
      if (this.refreshAheadMs > 0 && store.expiresAt(slot) - now <= this.refreshAheadMs && store.markRefreshing(slot))
        return Found.HitRefresh;
      return Found.Hit;
    }
    const fetches = this.fetchesOf(requester);
    const fk = this.fetchKey(work.key, requester);
    let f = fetches.get(fk);
    if (this.spec.coalesce && f !== undefined && f.count > 0) {
      if (counted) {
        this.emit(CacheEvent.Miss, work.key, f.count);
        this.emit(CacheEvent.Coalesced, work.key);
      }
      return Found.Wait;
    }
    if (!awaited) {
      if (counted) this.emit(CacheEvent.Miss, work.key, f?.count ?? 0);
      return Found.Miss;
    }
    if (f === undefined) fetches.set(fk, (f = new Fetches()));
    f.count++;
    work.fetchMask |= 1 << position;
    if (counted) this.emit(CacheEvent.Miss, work.key, f.count);
    if (f.count === STAMPEDE_AT && !f.reported) {
      f.reported = true;
      this.emit(CacheEvent.Stampede, work.key, f.count);
    }
    return Found.Miss;
  }

  /**
   * Wait for the fetch of the key in progress; false when there is none any
   * more (it ended while the answer was on its way), so look again at once.
   */
  park(replica: Replica, span: Span): boolean {
    const f = this.fetchesOf(replica).get(this.fetchKey(span.cache!.key, replica));
    if (f === undefined || f.count === 0) return false;
    (f.waiters ??= []).push(span);
    if (f.waiters.length === STAMPEDE_AT && !f.reported) {
      f.reported = true;
      this.emit(CacheEvent.Stampede, span.cache!.key, STAMPEDE_AT);
    }
    return true;
  }

  /** A fetch of the key ended (filled or failed): once none is left, the waiting requests look again. */
  release(replica: Replica, key: number): Span[] | null {
    const fetches = this.fetchesOf(replica);
    const fk = this.fetchKey(key, replica);
    const f = fetches.get(fk);
    if (f === undefined) return null;
    if (--f.count > 0) return null;
    fetches.delete(fk);
    return f.waiters;
  }

  /** The fetches in progress a request at `replica` sees: its own copy's (local), or the cache's (shared). */
  private fetchesOf(replica: Replica): Map<number, Fetches> {
    return this.service === null ? this.copyOf(replica).fetches : this.sharedFetches;
  }

  /**
   * A shared cache with locality is a cache per region (or datacenter): a fetch
   * there is not one another region's requests would wait on. Keys are below
   * 2^31, so key x locations + place stays an exact integer.
   */
  private fetchKey(key: number, replica: Replica): number {
    const locality = this.spec.locality;
    if (this.service === null || locality === 'none') return key;
    return key * this.world.locations.length + (locality === 'region' ? replica.location.regionIndex : replica.location.index);
  }

  /** Put the key in a copy (a fill, or a write-through). */
  fill(copy: CacheCopy, key: number): void {
    const now = this.world.sim.nowMs;
    const store = copy.store;
    const evicted = store.evictions;
    const expired = store.expirations;
    store.set(key, now, now + this.ttlMs);
    if (store.evictions !== evicted) this.emit(CacheEvent.Eviction, key);
    if (store.expirations !== expired) this.emit(CacheEvent.Expiration, key);
    this.emit(CacheEvent.Fill, key);
  }

  /** A write of the key reached this level: drop it, or write it through. */
  write(copy: CacheCopy | null, key: number, mode: OnWrite): void {
    if (copy !== null) {
      if (mode === 'update') this.fill(copy, key);
      else copy.store.delete(key);
    }
    this.emit(CacheEvent.Write, key);
  }

  /** The node a key lives on for a caller at `from` (rendezvous hashing over the nodes it sees up), or null with none. */
  nodeFor(key: number, from: Location): Replica | null {
    return this.service!.pickShard(key, from);
  }

  refreshed(key: number): void {
    this.emit(CacheEvent.Refresh, key);
  }

  failed(key: number): void {
    this.emit(CacheEvent.Error, key);
  }
}

/**
 * Drives requests of endpoints with caches through their lookup: each level
 * in order (a local one costs CPU on the replica, a shared one is a call to
 * the node that owns the key); a hit answers at once, a miss falls through,
 * and after the last level the endpoint's own work and calls run (the
 * origin). When the request ends, the levels that missed are filled, a write
 * invalidates or updates every level, and fetches it counted in are released.
 */
export class CacheFlow {
  constructor(private readonly world: World) {}

  /** A request of an endpoint with caches got its slot at `replica`. */
  begin(replica: Replica, span: Span): void {
    let w = span.cache;
    if (w === null) {
      const ep = span.endpoint;
      const keys = ep.keys!;
      w = span.cache = new CacheWork(keys.draw(), keys.isWrite(), false);
      if (w.write) {
        this.toOrigin(replica, span);
        return;
      }
    }
    this.lookNext(replica, span);
  }

  /** Look up the current level, or go to the origin after the last. */
  private lookNext(replica: Replica, span: Span): void {
    const w = span.cache!;
    const ep = span.endpoint;
    const levels = ep.levels!;
    if (w.level >= levels.length) {
      this.toOrigin(replica, span);
      return;
    }
    const level = levels[w.level];
    if (level.service === null) {
      w.phase = Phase.LocalLookup;
      replica.compute(span, level.hitCpu.sample());
    } else {
      w.phase = Phase.RemoteLookup;
      w.found = Found.Nothing;
      w.foundFor = level;
      this.world.call(span, ep.cacheCalls[w.level]!.get);
    }
  }

  private toOrigin(replica: Replica, span: Span): void {
    const w = span.cache!;
    w.phase = Phase.Origin;
    w.origin = true;
    replica.doWork(span);
  }

  /** The CPU of a local lookup is done: look. */
  localLookupDone(replica: Replica, span: Span): void {
    const w = span.cache!;
    const level = span.endpoint.levels![w.level];
    this.found(replica, span, level, level.lookup(level.copyOf(replica), w, w.level, replica));
  }

  /** A shared cache node serves a lookup of `span` (a get from the caller's request, `span.parent`). */
  serve(node: Replica, span: Span): void {
    const level = node.service.cacheLevel!;
    if (span.endpoint !== level.service!.endpoints.get('get')) return; // set and del took effect when sent
    const request = span.parent!;
    const w = request.cache!;
    const awaited = request.outcome === Outcome.Pending && w.phase === Phase.RemoteLookup && w.foundFor === level;
    const found = level.lookup(level.copyOf(node), w, request.endpoint.levels!.indexOf(level), request.replica!, awaited);
    if (awaited) w.found = found;
  }

  /** The answer of a shared lookup came back (or the lookup failed: a miss). */
  remoteLookupDone(replica: Replica, span: Span, outcome: Outcome): void {
    const w = span.cache!;
    const level = span.endpoint.levels![w.level];
    let found: Found = outcome === Outcome.Ok && w.foundFor === level ? w.found : Found.Nothing;
    w.foundFor = null;
    if (found === Found.Nothing) {
      level.failed(w.key);
      found = Found.Miss;
    }
    this.found(replica, span, level, found);
  }

  private found(replica: Replica, span: Span, level: CacheLevel, found: Found): void {
    const w = span.cache!;
    w.again = false;
    if (found === Found.Hit || found === Found.HitRefresh) {
      if (found === Found.HitRefresh) w.refreshLevel = w.level;
      w.phase = Phase.Hit;
      replica.finish(span, Outcome.Ok);
      return;
    }
    if (found === Found.Wait) {
      w.phase = Phase.Waiting;
      if (level.park(replica, span)) return;
      w.again = true;
      this.lookNext(replica, span);
      return;
    }
    w.missMask |= 1 << w.level;
    w.level++;
    this.lookNext(replica, span);
  }

  /** A request with caches ended (answered, failed, or killed): fill, write, release fetches, refresh ahead. */
  ended(replica: Replica, span: Span): void {
    const w = span.cache!;
    const ep = span.endpoint;
    const levels = ep.levels!;
    const ok = span.outcome === Outcome.Ok;
    for (let i = 0; i < levels.length; i++) {
      const bit = 1 << i;
      const level = levels[i];
      const onWrite = ep.onWrite ?? level.spec.onWrite;
      if (ok && (w.write || (w.missMask & bit) !== 0)) {
        if (level.service === null) {
          const copy = level.copyOf(replica);
          if (w.write) level.write(copy, w.key, onWrite);
          else level.fill(copy, w.key);
        } else {
          // a shared cache's fill or write takes effect as it is sent; its message and the node's work follow, unawaited
          const node = level.nodeFor(w.key, replica.location);
          const copy = node?.up ? level.copyOf(node) : null;
          if (w.write) level.write(copy, w.key, onWrite);
          else if (copy !== null) level.fill(copy, w.key);
          const calls = ep.cacheCalls[i]!;
          this.world.call(span, w.write && onWrite === 'invalidate' ? calls.del : calls.set);
        }
      }
      if ((w.fetchMask & bit) !== 0) {
        const waiters = level.release(replica, w.key);
        if (waiters !== null) for (const s of waiters) this.wake(s);
      }
    }
    w.fetchMask = 0;
    if (ok && w.refreshLevel >= 0) this.refresh(replica, span, levels[w.refreshLevel]);
  }

  /** A request waiting on another's fetch looks again (it usually hits now; if the fetch failed, it fetches itself). */
  private wake(span: Span): void {
    const w = span.cache!;
    if (span.outcome !== Outcome.Pending || w.phase !== Phase.Waiting) return; // its replica was killed meanwhile
    w.again = true;
    this.lookNext(span.replica!, span);
  }

  /** Refresh an entry about to expire: a background request at the same replica that looks below it and fills it. */
  private refresh(replica: Replica, span: Span, level: CacheLevel): void {
    const w = span.cache!;
    level.refreshed(w.key);
    const bg = new Span(span.service, span.endpoint, span, span.root, span.measured);
    const work = (bg.cache = new CacheWork(w.key, false, true));
    work.level = w.refreshLevel + 1;
    work.missMask = 1 << w.refreshLevel;
    bg.viaShm = true; // in-process: no wire
    replica.arrive(bg);
  }
}
