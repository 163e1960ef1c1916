// What the model tells its observers: a narrow interface called on the hot path.
import type { Location } from './network.js';
import type { Breaker, BreakerState } from './breaker.js';
import type { CacheEvent, CacheLevel } from './cache.js';
import type { Edge } from './resilience.js';
import type { Replica } from './service.js';
import type { RootRequest, Span } from './span.js';

/**
 * Model events. Observers (metrics, the live view) implement this; the model
 * never reads them back. Levels (busy cores, waiting, in the system) change by
 * +1/-1 at the current simulated time, which the listener reads from its clock.
 */
export interface ModelListener {
  requestStarted(req: RootRequest): void;
  requestFinished(req: RootRequest): void;
  /** A span reached a service (before admission). */
  spanArrived(span: Span): void;
  /** A span that had arrived ended (ok or error); `span.outcome` says which. */
  spanFinished(span: Span): void;
  /** A span never entered a replica: turned away by a full queue (Rejected) or with none up (Unavailable). */
  spanRefused(span: Span): void;
  /** A replica was added, went down (killed or removed) or came back. */
  replicaChanged(replica: Replica): void;
  /** The number of spans waiting at a replica (for a slot or for a core) changed by delta. */
  waitingChanged(replica: Replica, delta: number): void;
  /** The number of busy cores of a replica changed by delta. */
  busyChanged(replica: Replica, delta: number): void;
  /** A message left `from` for `to` (only with a network): hop class 0 same datacenter, 1 across datacenters, 2 across regions. */
  hopSent(hopClass: number, from: Location, to: Location, bytes: number, retransmits: number): void;
  /** A partition swallowed a message of `span`: its request on the way from `from` to `to`, or its answer on the way back. */
  messageLost(span: Span, from: Location, to: Location): void;
  /** The caller gave up waiting for an attempt on `edge` (the attempt goes on at the callee). */
  callTimedOut(edge: Edge, attempt: Span): void;
  /** A circuit breaker refused to send an attempt on `edge` (it was open, or out of half-open probes). */
  breakerRejected(edge: Edge, attempt: Span): void;
  /** On `edge`: a bulkhead turned a call away, or a fallback answered for a failed call. */
  callEvent(edge: Edge, kind: 'bulkheadRejected' | 'fallback', caller: Span): void;
  /** A circuit breaker changed state. */
  breakerChanged(breaker: Breaker, from: BreakerState, to: BreakerState): void;
  /** A cache counted something about a key; `count` is the concurrent fetches of it for a miss or a stampede. */
  cacheEvent(level: CacheLevel, kind: CacheEvent, key: number, count: number): void;
}

/** A listener that ignores everything. */
export const nullListener: ModelListener = {
  requestStarted() {},
  requestFinished() {},
  spanArrived() {},
  spanFinished() {},
  spanRefused() {},
  replicaChanged() {},
  waitingChanged() {},
  busyChanged() {},
  hopSent() {},
  messageLost() {},
  callTimedOut() {},
  breakerRejected() {},
  callEvent() {},
  breakerChanged() {},
  cacheEvent() {},
};

/** Several listeners as one (a plain loop per call: this sits on the hot path). */
export function fanOut(listeners: readonly ModelListener[]): ModelListener {
  if (listeners.length === 0) return nullListener;
  if (listeners.length === 1) return listeners[0];
  return new FanOut([...listeners]);
}

class FanOut implements ModelListener {
  constructor(private readonly ls: ModelListener[]) {}
  requestStarted(r: RootRequest): void {
    for (const l of this.ls) l.requestStarted(r);
  }
  requestFinished(r: RootRequest): void {
    for (const l of this.ls) l.requestFinished(r);
  }
  spanArrived(s: Span): void {
    for (const l of this.ls) l.spanArrived(s);
  }
  spanFinished(s: Span): void {
    for (const l of this.ls) l.spanFinished(s);
  }
  spanRefused(s: Span): void {
    for (const l of this.ls) l.spanRefused(s);
  }
  replicaChanged(r: Replica): void {
    for (const l of this.ls) l.replicaChanged(r);
  }
  waitingChanged(r: Replica, d: number): void {
    for (const l of this.ls) l.waitingChanged(r, d);
  }
  busyChanged(r: Replica, d: number): void {
    for (const l of this.ls) l.busyChanged(r, d);
  }
  hopSent(c: number, f: Location, t: Location, b: number, lost: number): void {
    for (const l of this.ls) l.hopSent(c, f, t, b, lost);
  }
  messageLost(s: Span, f: Location, t: Location): void {
    for (const l of this.ls) l.messageLost(s, f, t);
  }
  callTimedOut(e: Edge, s: Span): void {
    for (const l of this.ls) l.callTimedOut(e, s);
  }
  breakerRejected(e: Edge, s: Span): void {
    for (const l of this.ls) l.breakerRejected(e, s);
  }
  callEvent(e: Edge, k: 'bulkheadRejected' | 'fallback', c: Span): void {
    for (const l of this.ls) l.callEvent(e, k, c);
  }
  breakerChanged(b: Breaker, f: BreakerState, t: BreakerState): void {
    for (const l of this.ls) l.breakerChanged(b, f, t);
  }
  cacheEvent(c: CacheLevel, k: CacheEvent, key: number, n: number): void {
    for (const l of this.ls) l.cacheEvent(c, k, key, n);
  }
}
