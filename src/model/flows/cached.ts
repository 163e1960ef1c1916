// The cached request flow: look the key up level by level; a hit answers at once, misses fall through to the origin.
import type { OnWrite } from '../../scenario/spec.js';
import { type CacheCalls, type CacheLevel, CacheWork, Found, Phase, cacheWorkOf } from '../cache.js';
import type { Endpoint, Replica, RequestFlow } from '../service.js';
import { NOBODY_WAITS, Outcome, Span } from '../span.js';
import type { Caller, StepRunner } from './steps.js';

/**
 * An endpoint with caches. Each request draws a key (and whether it writes),
 * then looks it up in its levels in order: a local level costs CPU on the
 * replica, a shared one is a call to the node that owns the key. A hit answers
 * at once; a miss falls through; after the last level the endpoint's own work
 * and calls run (the origin). Writes skip the lookups. When the request ends,
 * the levels that missed are filled, a write invalidates or updates every
 * level, and the fetches it counted in are released.
 */
export class CachedFlow implements RequestFlow {
  constructor(
    readonly endpoint: Endpoint,
    /** The caches looked up, in order. */
    readonly levels: readonly CacheLevel[],
    /** Per level, the calls to a shared cache's nodes (null for a local cache). */
    private readonly cacheCalls: readonly (CacheCalls | null)[],
    /** What its writes do to the cached key, overriding each cache's onWrite (null: the caches'). */
    private readonly onWrite: OnWrite | null,
    private readonly steps: StepRunner,
    private readonly caller: Caller,
  ) {}

  /** A request got its slot: draw its key (a background refresh has one already) and look. */
  start(replica: Replica, span: Span): void {
    let w = cacheWorkOf(span);
    if (w === null) {
      const keys = span.endpoint.keys!;
      w = new CacheWork(keys.draw(), keys.isWrite(), false);
      span.flowState = w;
      if (w.write) {
        this.toOrigin(replica, span, w);
        return;
      }
    }
    this.lookNext(replica, span, w);
  }

  /** A local lookup's CPU is done (look), or the origin's (its steps). */
  cpuDone(replica: Replica, span: Span): void {
    const w = span.flowState as CacheWork;
    if (w.phase === Phase.LocalLookup) {
      const level = this.levels[w.level];
      this.found(replica, span, level, level.lookup(level.copyOf(replica), w, w.level, replica));
      return;
    }
    if (span.endpoint.failsNow()) {
      replica.finish(span, Outcome.Error);
      return;
    }
    span.step = 0;
    this.steps.run(replica, span);
  }

  /** A shared lookup answered (or failed: a miss), or a call of the origin did. */
  childDone(replica: Replica, span: Span, outcome: Outcome): void {
    const w = span.flowState as CacheWork;
    if (w.phase !== Phase.RemoteLookup) {
      this.steps.childDone(replica, span, outcome);
      return;
    }
    const level = this.levels[w.level];
    let found: Found = outcome === Outcome.Ok && w.foundFor === level ? w.found : Found.Nothing;
    w.foundFor = null;
    if (found === Found.Nothing) {
      level.failed(w.key);
      found = Found.Miss;
    }
    this.found(replica, span, level, found);
  }

  /** The request ended (answered, failed, or killed): fill, write, release fetches, refresh ahead. */
  ended(replica: Replica, span: Span): void {
    const w = cacheWorkOf(span);
    if (w === null) return; // it never started
    const levels = this.levels;
    const ok = span.outcome === Outcome.Ok;
    for (let i = 0; i < levels.length; i++) {
      const bit = 1 << i;
      const level = levels[i];
      const onWrite = this.onWrite ?? level.spec.onWrite;
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
          const calls = this.cacheCalls[i]!;
          this.caller.call(span, w.write && onWrite === 'invalidate' ? calls.del : calls.set);
        }
      }
      if ((w.fetchMask & bit) !== 0) {
        const waiters = level.release(replica, w.key);
        if (waiters !== null) for (const s of waiters) (s.endpoint.flow as CachedFlow).wake(s);
      }
    }
    w.fetchMask = 0;
    if (ok && w.refreshLevel >= 0) this.refresh(replica, span, w, levels[w.refreshLevel]);
  }

  /** Look up the current level, or go to the origin after the last. */
  private lookNext(replica: Replica, span: Span, w: CacheWork): void {
    if (w.level >= this.levels.length) {
      this.toOrigin(replica, span, w);
      return;
    }
    const level = this.levels[w.level];
    if (level.service === null) {
      w.phase = Phase.LocalLookup;
      replica.compute(span, level.hitCpu.sample());
    } else {
      w.phase = Phase.RemoteLookup;
      w.found = Found.Nothing;
      w.foundFor = level;
      this.caller.call(span, this.cacheCalls[w.level]!.get);
    }
  }

  private toOrigin(replica: Replica, span: Span, w: CacheWork): void {
    w.phase = Phase.Origin;
    w.origin = true;
    replica.doWork(span);
  }

  private found(replica: Replica, span: Span, level: CacheLevel, found: Found): void {
    const w = span.flowState as CacheWork;
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
      this.lookNext(replica, span, w);
      return;
    }
    w.missMask |= 1 << w.level;
    w.level++;
    this.lookNext(replica, span, w);
  }

  /** A request waiting on another's fetch looks again (it usually hits now; if the fetch failed, it fetches itself). */
  wake(span: Span): void {
    const w = span.flowState as CacheWork;
    if (span.outcome !== Outcome.Pending || w.phase !== Phase.Waiting) return; // its replica was killed meanwhile
    w.again = true;
    this.lookNext(span.replica!, span, w);
  }

  /** Refresh an entry about to expire: a background request at the same replica that looks below it and fills it. */
  private refresh(replica: Replica, span: Span, w: CacheWork, level: CacheLevel): void {
    level.refreshed(w.key);
    const bg = new Span(span.service, span.endpoint, span, span.root, span.measured);
    const work = new CacheWork(w.key, false, true);
    bg.flowState = work;
    work.level = w.refreshLevel + 1;
    work.missMask = 1 << w.refreshLevel;
    bg.viaShm = true; // in-process: no wire
    bg.attempts = NOBODY_WAITS; // nobody waits for a refresh
    replica.arrive(bg);
  }
}

/** The caches an endpoint looks up, in order, or null without any. */
export function cacheLevelsOf(endpoint: Endpoint): readonly CacheLevel[] | null {
  return endpoint.flow instanceof CachedFlow ? endpoint.flow.levels : null;
}

/** A shared cache's node: its endpoints get, set and del; a get looks the caller's key up in the node's copy. */
export class CacheNodeFlow implements RequestFlow {
  constructor(
    private readonly level: CacheLevel,
    private readonly steps: StepRunner,
  ) {}

  start(replica: Replica, span: Span): void {
    replica.doWork(span);
  }

  cpuDone(node: Replica, span: Span): void {
    if (span.endpoint.failsNow()) {
      node.finish(span, Outcome.Error);
      return;
    }
    if (span.endpoint.name === 'get') this.serve(node, span); // set and del took effect when sent
    span.step = 0;
    this.steps.run(node, span);
  }

  /** Serve a lookup of `span` (a get from the caller's request, `span.parent`). */
  private serve(node: Replica, span: Span): void {
    const level = this.level;
    const request = span.parent!;
    const w = request.flowState as CacheWork;
    const awaited = request.outcome === Outcome.Pending && w.phase === Phase.RemoteLookup && w.foundFor === level;
    const position = (request.endpoint.flow as CachedFlow).levels.indexOf(level);
    const found = level.lookup(level.copyOf(node), w, position, request.replica!, awaited);
    if (awaited) w.found = found;
  }

  childDone(replica: Replica, span: Span, outcome: Outcome): void {
    this.steps.childDone(replica, span, outcome);
  }

  ended(): void {}
}
