// What the model tells its observers: a narrow interface called on the hot path.
import type { Breaker, BreakerEvents, BreakerState } from './breaker.js';
import type { BrokerEvents, ConsumerGroup, Message, Topic, TopicEvent } from './broker.js';
import type { CacheEvent, CacheEvents, CacheLevel } from './cache.js';
import type { DeployEventKind, DeployEvents } from './deploy-events.js';
import type { Location } from './network.js';
import type { Edge, ResilienceEvents } from './resilience.js';
import type { RouterEvents } from './router.js';
import type { SagaEvents, SagaRun } from './saga.js';
import type { Replica, ReplicaEvents } from './service.js';
import type { RootRequest, Span } from './span.js';
import type { WorkloadEvents } from './workload.js';

/**
 * Model events: the events ports of the model's parts, together. Observers
 * (metrics, the live view) implement this; the model never reads them back.
 * Levels (busy cores, waiting, in the system) change by +1/-1 at the current
 * simulated time, which the listener reads from its clock. A new part that
 * emits declares its own events interface beside its code and joins it here.
 */
export interface ModelListener
  extends WorkloadEvents,
    ReplicaEvents,
    RouterEvents,
    ResilienceEvents,
    BreakerEvents,
    CacheEvents,
    BrokerEvents,
    SagaEvents,
    DeployEvents {}

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
  topicEvent() {},
  sagaChanged() {},
  sagaCompensation() {},
  deployEvent() {},
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
  topicEvent(t: Topic, g: ConsumerGroup | null, k: TopicEvent, m: Message | null): void {
    for (const l of this.ls) l.topicEvent(t, g, k, m);
  }
  sagaChanged(r: SagaRun, f: number): void {
    for (const l of this.ls) l.sagaChanged(r, f);
  }
  sagaCompensation(r: SagaRun, s: number): void {
    for (const l of this.ls) l.sagaCompensation(r, s);
  }
  deployEvent(r: Replica, k: DeployEventKind, v: number): void {
    for (const l of this.ls) l.deployEvent(r, k, v);
  }
}
