// Metrics collected from model events: counts, latency histograms and time-weighted levels, after warm-up.
import type { Simulation } from '../engine/simulation.js';
import type { ModelListener } from '../model/listener.js';
import type { Location } from '../model/network.js';
import type { Breaker, BreakerState } from '../model/breaker.js';
import { CacheEvent, type CacheLevel } from '../model/cache.js';
import type { Endpoint, Service } from '../model/service.js';
import type { Edge } from '../model/resilience.js';
import type { Replica } from '../model/service.js';
import { Outcome, type RootRequest, type Span } from '../model/span.js';
import type { World } from '../model/world.js';
import { Histogram } from './histogram.js';
import { TimeWeighted } from './time-weighted.js';
import { Counts } from './counts.js';
import { FaultWindows } from './fault-windows.js';

export { Counts } from './counts.js';

/** Per replica: busy cores, waiting requests, and whether it is provisioned (the service's busy level is the sum of these). */
export class ReplicaMetrics {
  readonly busy: TimeWeighted;
  readonly waiting: TimeWeighted;
  /** 1 while the replica is up or still draining its requests, else 0: the capacity its cores count for. */
  readonly provisioned: TimeWeighted;
  constructor(startMs: number, provisioned: boolean) {
    this.busy = new TimeWeighted(startMs);
    this.waiting = new TimeWeighted(startMs);
    this.provisioned = new TimeWeighted(startMs);
    if (provisioned) this.provisioned.set(1, 0);
  }

  /** Busy cores / its cores over the time it was provisioned in the window (NaN: never provisioned then). */
  utilization(nowMs: number, cores: number): number {
    return this.busy.mean(nowMs) / (cores * this.provisioned.mean(nowMs));
  }
}

export class ServiceMetrics {
  /** Busy cores / cores provisioned, both integrated over the window: a replica's cores count while it was up (or draining). */
  utilization(nowMs: number, cores: number): number {
    let busy = 0;
    let provisioned = 0;
    for (const r of this.replicas) {
      busy += r.busy.mean(nowMs);
      provisioned += r.provisioned.mean(nowMs);
    }
    return busy / (cores * provisioned);
  }

  readonly counts = new Counts();
  /** Latency of successful spans, arrival to response. */
  readonly latency = new Histogram();
  /** Summed over replicas, for the max of the total (a mean alone could be summed from the replicas). */
  readonly waiting: TimeWeighted;
  readonly inSystem: TimeWeighted;
  readonly replicas: ReplicaMetrics[];
  /** Latency by the location of the replica that served it (only kept when the world has several). */
  readonly byLocation: Histogram[] = [];
  /** CPU spent on requests whose caller had given up (timed out), on them or on calls they made. */
  wastedCpuMs = 0;
  /** Requests sent to a replica that was down (callers had not yet learnt of it). */
  connectionErrors = 0;
  /** Requests turned away by the service's rate limiter. */
  rateLimited = 0;
  /** CPU demand of finished spans, and the part of it spent on RPC messages (ms). */
  cpuMs = 0;
  rpcCpuMs = 0;
  constructor(startMs: number, replicas: number) {
    this.waiting = new TimeWeighted(startMs);
    this.inSystem = new TimeWeighted(startMs);
    this.replicas = Array.from({ length: replicas }, () => new ReplicaMetrics(startMs, true));
  }
}

export class WorkloadMetrics {
  readonly counts = new Counts();
  readonly latency = new Histogram();
  /** How long failed and rejected requests took to end (from the intended send time). */
  readonly failedLatency = new Histogram();
  /** Latency by the location of the replica that served it (only kept when the world has several). */
  readonly byLocation: Histogram[] = [];
}

/** Messages and bytes on the wire, by hop class (0 same datacenter, 1 across datacenters, 2 across regions) and by region pair. */
export class NetworkMetrics {
  readonly hops = [0, 0, 0];
  /** Transmissions lost and sent again after a retransmission timeout. */
  retransmits = 0;
  readonly bytes = [0, 0, 0];
  /** [regionA][regionB] bytes, in the direction sent. */
  readonly bytesByRegions: number[][];
  constructor(regions: number) {
    this.bytesByRegions = Array.from({ length: regions }, () => new Array<number>(regions).fill(0));
  }
}

/** Calls from one service to another: attempts (every span sent), retries and timeouts. */
export class EdgeMetrics {
  constructor(
    readonly from: Service,
    readonly to: Service,
  ) {}
  attempts = 0;
  retries = 0;
  timeouts = 0;
  hedges = 0;
  breakerRejected = 0;
  bulkheadRejected = 0;
  fallbacks = 0;
  /** Calls refused by a breaker before any attempt went out (refused retries are not new calls). */
  callsRefused = 0;

  /** Calls made: first attempts (not retries or hedges), plus calls refused before any attempt went out. */
  get calls(): number {
    return this.attempts - this.retries - this.hedges + this.callsRefused;
  }
}

/** One cache's counts after the warm-up, by CacheEvent, summed over its copies. */
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
export function countOrigin(origins: Map<Endpoint, OriginMetrics>, span: Span): void {
  const w = span.cache!;
  let m = origins.get(span.endpoint);
  if (m === undefined) origins.set(span.endpoint, (m = new OriginMetrics()));
  if (w.background) m.refreshes++;
  else {
    m.requests++;
    if (w.write) m.writes++;
  }
  if (w.origin) m.origin++;
}

const TRANSITIONS_KEPT = 500;

/** A breaker's history: every transition (the first 500 kept) and the time it spent open. */
export class BreakerHistory {
  readonly transitions: { atMs: number; from: BreakerState; to: BreakerState }[] = [];
  transitionCount = 0;
  openMs = 0;
  openSinceMs = -1;
  constructor(readonly breaker: Breaker) {}
}

/**
 * Subscribes to a world's model events. Only requests (and spans) that arrive
 * after the warm-up are counted; levels are integrated from the warm-up on.
 */
export class MetricsCollector implements ModelListener {
  readonly total = new WorkloadMetrics();
  readonly services: ServiceMetrics[];
  readonly workloads: WorkloadMetrics[];
  readonly network: NetworkMetrics;
  /** Per caller service (by index), its edges by callee index, made when first counted: the calls that exist, not services x services. */
  private readonly edgesFrom: EdgeMetrics[][];
  /** The edge of each model Edge (a call with a policy), by its index. */
  private readonly byModelEdge: EdgeMetrics[] = [];
  private readonly sim: Simulation;
  private readonly hasTimeouts: boolean;
  private readonly warmupMs: number;
  private readonly multiLocation: boolean;

  constructor(world: World) {
    this.sim = world.sim;
    this.warmupMs = world.warmupMs;
    this.multiLocation = world.locations.length > 1;
    const start = world.warmupMs;
    this.services = world.services.map((s) => new ServiceMetrics(start, s.replicas.length));
    this.workloads = world.workloads.map(() => new WorkloadMetrics());
    this.network = new NetworkMetrics(Object.keys(world.spec.regions).length);
    this.edgesFrom = world.services.map(() => []);
    this.hasTimeouts = world.hasTimeouts;
    this.caches = world.caches.map(() => new CacheMetrics());
    this.faults = new FaultWindows(world);
  }

  /**
   * A span sent by a caller is an attempt on its edge (a workload's request is not). Edges
   * count whole workload requests that arrived after the warm-up, so that every attempt of a
   * call is counted with it and amplification stays exact at the window's edge.
   */
  private countAttempt(span: Span): void {
    // a span at its parent's own service is a background cache refresh (calls cannot loop), not a call
    if (span.parent === null || !span.root.measured || span.parent.service === span.service) return;
    const e = this.edge(span.parent.service, span.service);
    e.attempts++;
    if (span.hedge) e.hedges++;
    else if (span.retry) e.retries++;
  }

  /** The edge from one service to another (a scan: a service calls few others). */
  private edge(from: Service, to: Service): EdgeMetrics {
    const list = this.edgesFrom[from.index];
    for (let i = 0; i < list.length; i++) if (list[i].to === to) return list[i];
    const e = new EdgeMetrics(from, to);
    let at = list.length;
    while (at > 0 && list[at - 1].to.index > to.index) at--;
    list.splice(at, 0, e);
    return e;
  }

  private modelEdge(edge: Edge): EdgeMetrics {
    return (this.byModelEdge[edge.index] ??= this.edge(edge.from, edge.to));
  }

  /** The edges from a service that counted anything, by callee index. */
  edgesOf(from: Service): readonly EdgeMetrics[] {
    return this.edgesFrom[from.index];
  }

  callTimedOut(edge: Edge, attempt: Span): void {
    if (attempt.root.measured) this.modelEdge(edge).timeouts++;
  }

  breakerRejected(edge: Edge, attempt: Span): void {
    if (!attempt.root.measured) return;
    const e = this.modelEdge(edge);
    e.breakerRejected++;
    if (!attempt.retry) e.callsRefused++;
  }

  callEvent(edge: Edge, kind: 'bulkheadRejected' | 'fallback', caller: Span): void {
    if (!caller.root.measured) return;
    const e = this.modelEdge(edge);
    if (kind === 'fallback') e.fallbacks++;
    else {
      e.bulkheadRejected++;
      e.callsRefused++; // no attempt went out
    }
  }

  /** Per scheduled fault, the workload requests whose calls reached its target while it was active. */
  readonly faults: FaultWindows;

  readonly caches: CacheMetrics[];
  /** Endpoints with caches, in the order their first request ended. */
  readonly origins = new Map<Endpoint, OriginMetrics>();

  cacheEvent(level: CacheLevel, kind: CacheEvent, _key: number, count: number): void {
    if (this.sim.nowMs < this.warmupMs) return;
    const m = this.caches[level.index];
    m.counts[kind]++;
    if (kind === CacheEvent.Miss && count > m.maxConcurrentFetches) m.maxConcurrentFetches = count;
  }

  /** Breaker histories by name, in the order the breakers changed first. */
  readonly breakers = new Map<string, BreakerHistory>();

  breakerChanged(breaker: Breaker, from: BreakerState, to: BreakerState): void {
    let h = this.breakers.get(breaker.name);
    if (!h) this.breakers.set(breaker.name, (h = new BreakerHistory(breaker)));
    const now = this.sim.nowMs;
    h.transitionCount++;
    if (h.transitions.length < TRANSITIONS_KEPT) h.transitions.push({ atMs: now, from, to });
    if (to === 'open') h.openSinceMs = now;
    else if (from === 'open' && h.openSinceMs >= 0) {
      h.openMs += now - h.openSinceMs;
      h.openSinceMs = -1;
    }
  }

  messageLost(span: Span, from: Location, to: Location): void {
    this.faults.lost(span, from, to, this.sim.nowMs);
  }

  hopSent(hopClass: number, from: Location, to: Location, bytes: number, retransmits: number): void {
    if (this.sim.nowMs < this.warmupMs) return;
    const n = this.network;
    n.hops[hopClass]++;
    n.retransmits += retransmits;
    n.bytes[hopClass] += bytes;
    n.bytesByRegions[from.regionIndex][to.regionIndex] += bytes;
  }

  requestStarted(req: RootRequest): void {
    if (!req.measured) return;
    this.total.counts.started++;
    this.workloads[req.workload.index].counts.started++;
  }

  requestFinished(req: RootRequest): void {
    this.faults.finished(req);
    if (!req.measured) return;
    const w = this.workloads[req.workload.index];
    this.total.counts.count(req.outcome);
    w.counts.count(req.outcome);
    const latencyMs = req.endMs - req.intendedMs;
    if (req.outcome === Outcome.Ok) {
      this.total.latency.record(latencyMs);
      w.latency.record(latencyMs);
      if (this.multiLocation && req.entry !== null) (w.byLocation[req.entry.location.index] ??= new Histogram()).record(latencyMs);
    } else {
      this.total.failedLatency.record(latencyMs);
      w.failedLatency.record(latencyMs);
    }
  }

  /** Spans at replicas now (waiting or in progress), over all services: what the run's in-system bound watches. */
  inSystemNow = 0;

  spanArrived(span: Span): void {
    this.inSystemNow++;
    const m = this.services[span.service.index];
    const now = this.sim.nowMs;
    this.faults.touch(span, now);
    m.inSystem.add(1, now);
    if (span.measured) m.counts.started++;
    this.countAttempt(span);
  }

  spanFinished(span: Span): void {
    this.inSystemNow--;
    const m = this.services[span.service.index];
    const now = this.sim.nowMs;
    this.faults.touch(span, now);
    m.inSystem.add(-1, now);
    if (!span.measured) return;
    if (span.cache !== null) countOrigin(this.origins, span);
    m.counts.count(span.outcome);
    m.cpuMs += span.cpuMs;
    m.rpcCpuMs += span.rpcCpuMs;
    if (this.hasTimeouts) {
      for (let s: Span | null = span; s !== null; s = s.parent) {
        if (s.abandoned) {
          m.wastedCpuMs += span.cpuMs;
          break;
        }
      }
    }
    if (span.outcome === Outcome.Ok) {
      m.latency.record(now - span.arrivalMs);
      if (this.multiLocation) (m.byLocation[span.replica!.location.index] ??= new Histogram()).record(now - span.arrivalMs);
    }
  }

  spanRefused(span: Span): void {
    this.faults.touch(span, this.sim.nowMs);
    if (!span.measured) return;
    const m = this.services[span.service.index];
    m.counts.started++;
    m.counts.count(span.outcome);
    if (span.outcome === Outcome.Unavailable && span.replica !== null) m.connectionErrors++;
    if (span.rateLimited) m.rateLimited++;
    this.countAttempt(span);
  }

  replicaChanged(replica: Replica): void {
    const m = this.services[replica.service.index];
    while (m.replicas.length <= replica.index) m.replicas.push(new ReplicaMetrics(this.warmupMs, false));
    m.replicas[replica.index].provisioned.set(replica.up || replica.inSystem > 0 ? 1 : 0, this.sim.nowMs);
  }

  waitingChanged(replica: Replica, delta: number): void {
    const m = this.services[replica.service.index];
    const now = this.sim.nowMs;
    m.waiting.add(delta, now);
    m.replicas[replica.index].waiting.add(delta, now);
  }

  busyChanged(replica: Replica, delta: number): void {
    this.services[replica.service.index].replicas[replica.index].busy.add(delta, this.sim.nowMs);
  }
}
