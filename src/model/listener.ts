// What the model tells its observers: a narrow interface called on the hot path.
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
  /** A span was turned away on arrival (full queue); it never entered the replica. */
  spanRejected(span: Span): void;
  /** The number of spans waiting at a replica (for a slot or for a core) changed by delta. */
  waitingChanged(replica: Replica, delta: number): void;
  /** The number of busy cores of a replica changed by delta. */
  busyChanged(replica: Replica, delta: number): void;
}

/** A listener that ignores everything. */
export const nullListener: ModelListener = {
  requestStarted() {},
  requestFinished() {},
  spanArrived() {},
  spanFinished() {},
  spanRejected() {},
  waitingChanged() {},
  busyChanged() {},
};

/** Several listeners as one. */
export function fanOut(listeners: readonly ModelListener[]): ModelListener {
  if (listeners.length === 0) return nullListener;
  if (listeners.length === 1) return listeners[0];
  return {
    requestStarted: (r) => listeners.forEach((l) => l.requestStarted(r)),
    requestFinished: (r) => listeners.forEach((l) => l.requestFinished(r)),
    spanArrived: (s) => listeners.forEach((l) => l.spanArrived(s)),
    spanFinished: (s) => listeners.forEach((l) => l.spanFinished(s)),
    spanRejected: (s) => listeners.forEach((l) => l.spanRejected(s)),
    waitingChanged: (r, d) => listeners.forEach((l) => l.waitingChanged(r, d)),
    busyChanged: (r, d) => listeners.forEach((l) => l.busyChanged(r, d)),
  };
}
