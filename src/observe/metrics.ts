// Metrics collected from model events: the core (counts, latency histograms, time-weighted levels after warm-up) and the features' collectors.
import type { Simulation } from '../engine/simulation.js';
import type { Breaker, BreakerState } from '../model/breaker.js';
import type { ConsumerGroup, Message, Topic, TopicEvent } from '../model/broker.js';
import type { CacheEvent, CacheLevel } from '../model/cache.js';
import type { DeployEventKind } from '../model/deploy-events.js';
import { type ModelListener, nullListener } from '../model/listener.js';
import type { Location } from '../model/network.js';
import type { Edge } from '../model/resilience.js';
import type { SagaRun } from '../model/saga.js';
import type { Replica } from '../model/service.js';
import { Outcome, type RootRequest, type Span } from '../model/span.js';
import type { World } from '../model/world.js';
import { Counts } from './counts.js';
import type { AnyFeature, Collector } from './feature.js';
import { FEATURES } from './features/index.js';
import { type NetworkCollector, network } from './features/network.js';
import { Histogram } from './histogram.js';
import { TimeWeighted } from './time-weighted.js';

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

/** Per listener method, the feature collectors that implement it. */
type Hooks = { readonly [K in keyof ModelListener]: Required<Pick<ModelListener, K>>[] };

/** Every listener method. */
const METHODS = Object.keys(nullListener) as (keyof ModelListener)[];

/** Each feature's collector for a world (null: unused), its live collector when wanted, and who implements which listener method. */
export class FeatureParts {
  private readonly parts = new Map<AnyFeature, unknown>();
  private readonly liveParts = new Map<AnyFeature, unknown>();
  readonly hooks: Hooks;

  /** `live`: also the features' live collectors (what the dashboard shows beyond the report); `extra`: other collectors (exports: traces, time series). */
  constructor(world: World, live: boolean, extra: readonly Collector[] = []) {
    const collectors: Collector[] = [];
    for (const f of FEATURES as readonly AnyFeature[]) {
      const c = f.collect(world) as Collector | null;
      this.parts.set(f, c);
      if (c !== null) collectors.push(c);
      const l = live && f.live?.collect ? (f.live.collect(world) as Collector | null) : null;
      this.liveParts.set(f, l);
      if (l !== null) collectors.push(l);
    }
    collectors.push(...extra);
    this.hooks = Object.fromEntries(METHODS.map((m) => [m, collectors.filter((c) => typeof c[m] === 'function')])) as unknown as Hooks;
  }

  part(feature: AnyFeature): unknown {
    return this.parts.get(feature);
  }

  livePart(feature: AnyFeature): unknown {
    return this.liveParts.get(feature) ?? null;
  }
}

/**
 * Subscribes to a world's model events: the core figures here (requests,
 * latency, service and replica levels), the rest in the features' collectors
 * (see features/index.ts). Only requests (and spans) that arrive after the
 * warm-up are counted; levels are integrated from the warm-up on.
 *
 * One listener for the model, made by createCollector: its class is this one
 * (or a subclass) plus, for each listener method some feature collector implements
 * in this world, a subclass whose method runs the core's part and then those
 * collectors'. A method no collector implements keeps the core's part alone
 * (or nothing), so a feature a world does not use costs its events nothing.
 */
export class MetricsCollector implements ModelListener {
  /** The live variant sets this: its features' live collectors are made too. */
  static readonly live: boolean = false;

  readonly total = new WorkloadMetrics();
  readonly services: ServiceMetrics[];
  readonly workloads: WorkloadMetrics[];
  private readonly sim: Simulation;
  private readonly hasTimeouts: boolean;
  private readonly warmupMs: number;
  private readonly multiLocation: boolean;
  /** Per listener method, the feature collectors that implement it (the hooked subclasses call them). */
  protected readonly hooks: Hooks;

  constructor(
    world: World,
    private readonly parts: FeatureParts,
  ) {
    this.sim = world.sim;
    this.warmupMs = world.warmupMs;
    this.multiLocation = world.locations.length > 1;
    const start = world.warmupMs;
    this.services = world.services.map((s) => new ServiceMetrics(start, s.replicas.length));
    this.workloads = world.workloads.map(() => new WorkloadMetrics());
    this.hasTimeouts = world.hasTimeouts;
    this.hooks = parts.hooks;
  }

  /** A feature's collector (null when the world does not use the feature). */
  part<F extends AnyFeature>(feature: F): ReturnType<F['collect']> {
    return this.parts.part(feature) as ReturnType<F['collect']>;
  }

  /** A feature's live collector (null unless this collector is live and the feature has one for this world). */
  livePart<F extends AnyFeature>(feature: F): LiveCollectorOf<F> | null {
    return this.parts.livePart(feature) as LiveCollectorOf<F> | null;
  }

  /**
   * The network feature's counts after the warm-up. Only for src/model/network.test.ts, which
   * reads them mid-run (this refactor leaves src/model alone): remove once it reads part(network).
   */
  get network(): NetworkCollector {
    return this.part(network)!;
  }

  requestStarted(req: RootRequest): void {
    if (!req.measured) return;
    this.total.counts.started++;
    this.workloads[req.workload.index].counts.started++;
  }

  requestFinished(req: RootRequest): void {
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
    m.inSystem.add(1, this.sim.nowMs);
    if (span.measured) m.counts.started++;
  }

  spanFinished(span: Span): void {
    this.inSystemNow--;
    const m = this.services[span.service.index];
    const now = this.sim.nowMs;
    m.inSystem.add(-1, now);
    if (!span.measured) return;
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
    if (!span.measured) return;
    const m = this.services[span.service.index];
    m.counts.started++;
    m.counts.count(span.outcome);
    if (span.outcome === Outcome.Unavailable && span.replica !== null) m.connectionErrors++;
    if (span.rateLimited) m.rateLimited++;
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

  // the events only features use: nothing in the core (see HOOKED)

  hopSent(_hopClass: number, _from: Location, _to: Location, _bytes: number, _retransmits: number): void {}
  messageLost(_span: Span, _from: Location, _to: Location): void {}
  callTimedOut(_edge: Edge, _attempt: Span): void {}
  breakerRejected(_edge: Edge, _attempt: Span): void {}
  callEvent(_edge: Edge, _kind: 'bulkheadRejected' | 'fallback', _caller: Span): void {}
  breakerChanged(_breaker: Breaker, _from: BreakerState, _to: BreakerState): void {}
  cacheEvent(_level: CacheLevel, _kind: CacheEvent, _key: number, _count: number): void {}
  topicEvent(_topic: Topic, _group: ConsumerGroup | null, _kind: TopicEvent, _message: Message | null): void {}
  sagaChanged(_run: SagaRun, _from: number): void {}
  sagaCompensation(_run: SagaRun, _step: number): void {}
  deployEvent(_replica: Replica, _kind: DeployEventKind, _value: number): void {}
}

/** A collector class (the hooked subclasses extend one). */
// biome-ignore lint/suspicious/noExplicitAny: a mixin's base class takes any arguments (TypeScript's rule)
type CollectorClass<T extends MetricsCollector = MetricsCollector> = new (...args: any[]) => T;

/**
 * For each listener method, a subclass step: its method runs the class's own
 * (the core's part, or nothing), then that of each collector implementing it.
 * Written out, so that every call is static and the engine can inline it.
 */
const HOOKED: { readonly [K in keyof ModelListener]: (Base: CollectorClass) => CollectorClass } = {
  requestStarted: (Base) =>
    class extends Base {
      override requestStarted(req: RootRequest): void {
        super.requestStarted(req);
        const hs = this.hooks.requestStarted;
        for (let i = 0; i < hs.length; i++) hs[i].requestStarted(req);
      }
    },
  requestFinished: (Base) =>
    class extends Base {
      override requestFinished(req: RootRequest): void {
        super.requestFinished(req);
        const hs = this.hooks.requestFinished;
        for (let i = 0; i < hs.length; i++) hs[i].requestFinished(req);
      }
    },
  spanArrived: (Base) =>
    class extends Base {
      override spanArrived(span: Span): void {
        super.spanArrived(span);
        const hs = this.hooks.spanArrived;
        for (let i = 0; i < hs.length; i++) hs[i].spanArrived(span);
      }
    },
  spanFinished: (Base) =>
    class extends Base {
      override spanFinished(span: Span): void {
        super.spanFinished(span);
        const hs = this.hooks.spanFinished;
        for (let i = 0; i < hs.length; i++) hs[i].spanFinished(span);
      }
    },
  spanRefused: (Base) =>
    class extends Base {
      override spanRefused(span: Span): void {
        super.spanRefused(span);
        const hs = this.hooks.spanRefused;
        for (let i = 0; i < hs.length; i++) hs[i].spanRefused(span);
      }
    },
  replicaChanged: (Base) =>
    class extends Base {
      override replicaChanged(replica: Replica): void {
        super.replicaChanged(replica);
        const hs = this.hooks.replicaChanged;
        for (let i = 0; i < hs.length; i++) hs[i].replicaChanged(replica);
      }
    },
  waitingChanged: (Base) =>
    class extends Base {
      override waitingChanged(replica: Replica, delta: number): void {
        super.waitingChanged(replica, delta);
        const hs = this.hooks.waitingChanged;
        for (let i = 0; i < hs.length; i++) hs[i].waitingChanged(replica, delta);
      }
    },
  busyChanged: (Base) =>
    class extends Base {
      override busyChanged(replica: Replica, delta: number): void {
        super.busyChanged(replica, delta);
        const hs = this.hooks.busyChanged;
        for (let i = 0; i < hs.length; i++) hs[i].busyChanged(replica, delta);
      }
    },
  hopSent: (Base) =>
    class extends Base {
      override hopSent(hopClass: number, from: Location, to: Location, bytes: number, retransmits: number): void {
        const hs = this.hooks.hopSent;
        for (let i = 0; i < hs.length; i++) hs[i].hopSent(hopClass, from, to, bytes, retransmits);
      }
    },
  messageLost: (Base) =>
    class extends Base {
      override messageLost(span: Span, from: Location, to: Location): void {
        const hs = this.hooks.messageLost;
        for (let i = 0; i < hs.length; i++) hs[i].messageLost(span, from, to);
      }
    },
  callTimedOut: (Base) =>
    class extends Base {
      override callTimedOut(edge: Edge, attempt: Span): void {
        const hs = this.hooks.callTimedOut;
        for (let i = 0; i < hs.length; i++) hs[i].callTimedOut(edge, attempt);
      }
    },
  breakerRejected: (Base) =>
    class extends Base {
      override breakerRejected(edge: Edge, attempt: Span): void {
        const hs = this.hooks.breakerRejected;
        for (let i = 0; i < hs.length; i++) hs[i].breakerRejected(edge, attempt);
      }
    },
  callEvent: (Base) =>
    class extends Base {
      override callEvent(edge: Edge, kind: 'bulkheadRejected' | 'fallback', caller: Span): void {
        const hs = this.hooks.callEvent;
        for (let i = 0; i < hs.length; i++) hs[i].callEvent(edge, kind, caller);
      }
    },
  breakerChanged: (Base) =>
    class extends Base {
      override breakerChanged(breaker: Breaker, from: BreakerState, to: BreakerState): void {
        const hs = this.hooks.breakerChanged;
        for (let i = 0; i < hs.length; i++) hs[i].breakerChanged(breaker, from, to);
      }
    },
  cacheEvent: (Base) =>
    class extends Base {
      override cacheEvent(level: CacheLevel, kind: CacheEvent, key: number, count: number): void {
        const hs = this.hooks.cacheEvent;
        for (let i = 0; i < hs.length; i++) hs[i].cacheEvent(level, kind, key, count);
      }
    },
  topicEvent: (Base) =>
    class extends Base {
      override topicEvent(topic: Topic, group: ConsumerGroup | null, kind: TopicEvent, message: Message | null): void {
        const hs = this.hooks.topicEvent;
        for (let i = 0; i < hs.length; i++) hs[i].topicEvent(topic, group, kind, message);
      }
    },
  sagaChanged: (Base) =>
    class extends Base {
      override sagaChanged(run: SagaRun, from: number): void {
        const hs = this.hooks.sagaChanged;
        for (let i = 0; i < hs.length; i++) hs[i].sagaChanged(run, from);
      }
    },
  sagaCompensation: (Base) =>
    class extends Base {
      override sagaCompensation(run: SagaRun, step: number): void {
        const hs = this.hooks.sagaCompensation;
        for (let i = 0; i < hs.length; i++) hs[i].sagaCompensation(run, step);
      }
    },
  deployEvent: (Base) =>
    class extends Base {
      override deployEvent(replica: Replica, kind: DeployEventKind, value: number): void {
        const hs = this.hooks.deployEvent;
        for (let i = 0; i < hs.length; i++) hs[i].deployEvent(replica, kind, value);
      }
    },
};

/**
 * The collector of a world, of class `Class` (MetricsCollector, or LiveMetrics for the dashboard). Never
 * `new` one: its class must hook the features' collectors into the listener methods they implement.
 */
export function createCollector<T extends MetricsCollector>(
  world: World,
  Class: CollectorClass<T> & { readonly live: boolean },
  extra: readonly Collector[] = [],
): T {
  const parts = new FeatureParts(world, Class.live, extra);
  return new (hookedClass(Class, parts.hooks))(world, parts);
}

/** Hooked classes made so far, per base class, by the methods they hook (a run makes one; the tests, a few). */
const hookedClasses = new Map<CollectorClass, Map<string, CollectorClass>>();

/** The base class with a hooked subclass step for each listener method that some collector implements. */
function hookedClass<T extends MetricsCollector>(Base: CollectorClass<T>, hooks: Hooks): CollectorClass<T> {
  const methods = METHODS.filter((m) => hooks[m].length > 0);
  const key = methods.join(',');
  let byKey = hookedClasses.get(Base);
  if (byKey === undefined) hookedClasses.set(Base, (byKey = new Map()));
  let C = byKey.get(key);
  if (C === undefined) byKey.set(key, (C = methods.reduce((B, m) => HOOKED[m](B), Base as CollectorClass)));
  return C as CollectorClass<T>;
}

/** The type of a feature's live collector. */
type LiveCollectorOf<F> = F extends { readonly live?: { collect?(world: World): infer L } } ? NonNullable<L> : never;
