// Caches at run time: levels and their copies, lookups with single-flight, fills, writes, expiry, stampedes; what they count.
import { type Sampler, createSampler } from '../engine/distributions.js';
import type { RandomStreams } from '../engine/rng.js';
import type { Simulation } from '../engine/simulation.js';
import type { CacheSpec, OnWrite } from '../scenario/spec.js';
import { CacheStore } from './cache-store.js';
import type { Location } from './network.js';
import type { Call, Replica, Service } from './service.js';
import type { Span } from './span.js';

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
export const Phase = { Start: 0, LocalLookup: 1, RemoteLookup: 2, Waiting: 3, Origin: 4, Hit: 5 } as const;

/** What a lookup at a store found. */
export const Found = { Nothing: 0, Hit: 1, HitRefresh: 2, Miss: 3, Wait: 4 } as const;
export type Found = (typeof Found)[keyof typeof Found];

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

/** A span's progress through its endpoint's caches, or null (an endpoint without caches, or a request not started yet). */
export function cacheWorkOf(span: Span): CacheWork | null {
  const state = span.flowState;
  return state instanceof CacheWork ? state : null;
}

/** What caches tell the model's observers. */
export interface CacheEvents {
  /** A cache counted something about a key; `count` is the concurrent fetches of it for a miss or a stampede. */
  cacheEvent(level: CacheLevel, kind: CacheEvent, key: number, count: number): void;
}

/** What a cache level needs of the model around it. */
export interface CacheEnv {
  readonly sim: Simulation;
  readonly listener: CacheEvents;
  /** Places in the model (a shared cache per region keeps a fetch per place). */
  readonly locationCount: number;
  /** Every replica of every service (a local cache's copies are in its callers' replicas). */
  allReplicas(): Replica[];
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
  private readonly sharedFetches = new Map<number, Fetches>();
  /** Its copies by replica uid: local caches in replicas' memory, or the nodes' contents. */
  private readonly copies: (CacheCopy | undefined)[] = [];

  constructor(
    readonly index: number,
    readonly spec: CacheSpec,
    /** Shared: the service of the cache's nodes (null for a local cache). */
    readonly service: Service | null,
    private readonly env: CacheEnv,
    private readonly streams: RandomStreams,
  ) {
    this.ttlMs = spec.ttlMs ?? Infinity;
    this.refreshAheadMs = spec.refreshAhead !== null && spec.ttlMs !== null ? spec.refreshAhead * spec.ttlMs : 0;
    this.hitCpu = createSampler(spec.hit, streams.stream(`cache:${spec.name}:hit`));
  }

  get name(): string {
    return this.spec.name;
  }

  /** The copy a replica holds (its local cache, or a node's contents); made on first use, lost when the replica is killed. */
  copyOf(replica: Replica): CacheCopy {
    let c = this.copies[replica.uid];
    if (c === undefined) {
      const rng = this.spec.eviction === 'random' ? this.streams.stream(`cache:${this.name}:${replica.id}:evict`) : null;
      c = this.copies[replica.uid] = new CacheCopy(new CacheStore(this.spec.entriesPerCopy, this.spec.eviction, rng), new Map());
    }
    return c;
  }

  /** The replicas holding a copy now: those of the services using a local cache, or a shared cache's nodes (a killed one has none until it is used again). */
  holders(): Replica[] {
    const candidates = this.service !== null ? this.service.replicas : this.env.allReplicas();
    return candidates.filter((r) => this.copies[r.uid] !== undefined);
  }

  /** The copy a replica holds now, if any (without making one). */
  copyAt(replica: Replica): CacheCopy | undefined {
    return this.copies[replica.uid];
  }

  /** The replica's memory is gone (it was killed): its copy is lost, and it starts cold. */
  drop(replica: Replica): void {
    this.copies[replica.uid] = undefined;
  }

  private emit(kind: CacheEvent, key: number, count = 1): void {
    this.env.listener.cacheEvent(this, kind, key, count);
  }

  /**
   * Look the key up in a copy: a hit, a miss (the request now counts as a fetch of it), or wait
   * (another fetch is on its way). A lookup whose request no longer waits for it (`awaited`
   * false: it timed out, or the request ended) is counted but takes no fetch: nobody would make it.
   */
  lookup(copy: CacheCopy, work: CacheWork, position: number, requester: Replica, awaited = true): Found {
    const now = this.env.sim.nowMs;
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
    const key = (span.flowState as CacheWork).key;
    const f = this.fetchesOf(replica).get(this.fetchKey(key, replica));
    if (f === undefined || f.count === 0) return false;
    (f.waiters ??= []).push(span);
    if (f.waiters.length === STAMPEDE_AT && !f.reported) {
      f.reported = true;
      this.emit(CacheEvent.Stampede, key, STAMPEDE_AT);
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
    return key * this.env.locationCount + (locality === 'region' ? replica.location.regionIndex : replica.location.index);
  }

  /** Put the key in a copy (a fill, or a write-through). */
  fill(copy: CacheCopy, key: number): void {
    const now = this.env.sim.nowMs;
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
