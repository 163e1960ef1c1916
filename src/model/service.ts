// Services, their endpoints and replicas: admission (concurrency + bounded queue), a CPU per replica, lifecycle, routing picks.
import { type Sampler, createSampler } from '../engine/distributions.js';
import { RingQueue } from '../engine/ring-queue.js';
import type { RandomStream, RandomStreams } from '../engine/rng.js';
import type { EventTarget, Simulation } from '../engine/simulation.js';
import type { EndpointSpec, Locality, ServiceSpec, Transport } from '../scenario/spec.js';
import { type Balancer, PeakEwma, createBalancer } from './balancer.js';
import { type CfsBandwidth, CfsCpu } from './cfs.js';
import { Cpu, type CpuOwner, CpuSpeed } from './cpu.js';
import type { DeployEvents } from './deploy-events.js';
import type { FanOutSite } from './flows/fanout.js';
import type { KeySource } from './key-space.js';
import type { Location } from './network.js';
import { Outcome, type Span } from './span.js';
import { mix32 } from '../engine/hash.js';

/** What a step does for one of its entries: a call, a publish to a topic, or the start of a saga (a call to its orchestrator). */
export type StepKind = 'call' | 'publish' | 'saga';

/** A call of an endpoint's step, resolved to its target. */
export interface Call {
  readonly kind: StepKind;
  readonly service: Service;
  readonly endpoint: Endpoint;
  readonly probability: number;
  /** How the caller picks among the callee's replicas by location. */
  readonly locality: Locality;
  readonly transport: Transport;
  /** Position among all calls of the calling endpoint (for per-span call decisions); -1 for a call made by a flow (a cache's). */
  readonly index: number;
  /** CPU the caller spends on this call with rpc costs: sending the request, receiving the response. */
  readonly callerRpcMs: number;
  /** False for a fire-and-forget call (a cache fill or write): its answer is dropped. */
  readonly awaited: boolean;
  /** Timeout, retries, breaker, hedging, bulkhead or fallback (the resilience module's), or null for a plain call. */
  readonly policy: unknown;
  /** A publish: the topic it appends to (its service and endpoint are then the caller's own: it calls no service). */
  readonly topic?: { publish(parent: Span): void };
  /** Made several times at once (`count`, `each: replica`), with what the caller waits for (flows/fanout.ts). */
  readonly fanout?: FanOutSite;
}

/**
 * What an endpoint does with a request, chosen when the model is assembled:
 * plain steps, a cached lookup, a cache node's get/set/del. The replica calls
 * it at each turn of a span's life; the flow keeps its own state in
 * `span.flowState`.
 */
export interface RequestFlow {
  /** The span got its slot at the replica. */
  start(replica: Replica, span: Span): void;
  /** The span's CPU work is done (and any injected latency waited out). */
  cpuDone(replica: Replica, span: Span): void;
  /** A call the span made answered (the span is still in progress). */
  childDone(replica: Replica, span: Span, outcome: Outcome): void;
  /** The span ended (answered, failed, or killed with its replica), just before its answer is sent. */
  ended(replica: Replica, span: Span): void;
}

export class Endpoint {
  readonly cpu: Sampler;
  readonly errorRate: number;
  readonly steps: Call[][] = [];
  /** Every call of every step, in order. */
  readonly calls: Call[] = [];
  /** Failure probability injected by faults and what-ifs (summed over their sources by the actuators). */
  injectedErrorRate = 0;
  /** The keys its requests ask for (null: none). */
  keys: KeySource | null = null;
  /** What it does with a request (set when the model is assembled). */
  flow!: RequestFlow;
  /** Messages cost CPU (rpc costs): serving a request, and for each call made, its messages at the caller. */
  chargesRpc = false;
  /** CPU the callee spends with rpc costs to serve one request (receive it, send the response), by transport. */
  serveRpcMs = 0;
  serveShmRpcMs = 0;
  /** Message sizes in bytes: a request to this endpoint, and its response. */
  readonly requestBytes: number;
  readonly responseBytes: number;
  private readonly errorRng: RandomStream;
  private readonly injectedRng: RandomStream;
  private readonly callRng: RandomStream;

  constructor(
    readonly service: Service,
    readonly name: string,
    spec: EndpointSpec,
    streams: RandomStreams,
  ) {
    const id = `service:${service.name}.${name}`;
    this.cpu = createSampler(spec.cpu, streams.stream(`${id}:cpu`));
    this.errorRate = spec.errors;
    this.requestBytes = spec.requestKB * 1024;
    this.responseBytes = spec.responseKB * 1024;
    this.errorRng = streams.stream(`${id}:errors`);
    this.injectedRng = streams.stream(`${id}:injected-errors`);
    this.callRng = streams.stream(`${id}:calls`);
  }

  /** Does this request fail (its own error rate, then any injected errors)? */
  failsNow(): boolean {
    if (this.errorRate > 0 && this.errorRng.next() < this.errorRate) return true;
    const injected = this.injectedErrorRate;
    return injected > 0 && this.injectedRng.next() < injected;
  }

  callsNow(call: Call): boolean {
    return call.probability >= 1 || this.callRng.next() < call.probability;
  }
}

/** What replicas tell the model's observers. */
export interface ReplicaEvents extends DeployEvents {
  /** A span reached a service (before admission). */
  spanArrived(span: Span): void;
  /** A span that had arrived ended (ok or error); `span.outcome` says which. */
  spanFinished(span: Span): void;
  /** A span never entered a replica: turned away by a full queue (Rejected) or with none up (Unavailable). */
  spanRefused(span: Span): void;
  /** A replica was added, went down (killed, removed, drained) or came back, or was ejected or let back in. */
  replicaChanged(replica: Replica): void;
  /** The number of spans waiting at a replica (for a slot or for a core) changed by delta. */
  waitingChanged(replica: Replica, delta: number): void;
  /** The number of busy cores of a replica changed by delta. */
  busyChanged(replica: Replica, delta: number): void;
}

/** Where a replica is in its life: taking requests (ready), finishing its last ones after removal (draining), or down. */
export type ReplicaState = 'starting' | 'ready' | 'draining' | 'down';

/** What replicas need of the model around them: the clock, the observers, the router, lifecycle hooks. */
export interface ReplicaEnv {
  readonly sim: Simulation;
  readonly listener: ReplicaEvents;
  /** How long callers take to learn that a replica went down or came up. */
  readonly discoveryDelayMs: number;
  /** Carries a span's answer back to its caller. */
  readonly router: { respond(span: Span): void };
  /** Parts that keep something per replica (breakers, cache copies) hear of replicas added and killed. */
  readonly hooks: ReplicaHooks;
  /** A number for a new replica, unique in the model (parts index their per-replica state by it). */
  nextReplicaUid(): number;
}

export interface ReplicaHooks {
  added(replica: Replica): void;
  /** A killed replica came back (empty): what it took part in takes it back (a consumer group rebalances). */
  restarted(replica: Replica): void;
  /** Its memory is gone: what it held (cache copies) is lost. */
  killed(replica: Replica): void;
}

const DISCOVERED_UP = 2;
const DISCOVERED_DOWN = 3;
const FAULT_WAIT_DONE = 4;
const UNEJECT = 5;
const COLD_START_DONE = 6;

/**
 * One instance of a service. A span holds a concurrency slot from admission to
 * its response (thread-per-request: the slot is kept while waiting on calls);
 * without a free slot it waits in the admission queue, and beyond the queue's
 * capacity it is rejected. Its work runs on the replica's CPU; what it does
 * between is its endpoint's request flow.
 */
export class Replica implements EventTarget, CpuOwner<Span> {
  state: ReplicaState;
  /** Taking new requests (state ready). A replica that is down finishes nothing more (killed) or drains (removed). */
  up: boolean;
  /** What callers believe (it follows `up` after the discovery delay): the balancer picks among these. */
  discoveredUp: boolean;
  /** Latency as callers see it, network included (kept for the ewma balancer). */
  readonly latency = new PeakEwma();
  /** Outlier ejection: errors in a row, whether ejected now, and how often it has been. */
  consecutiveErrors = 0;
  ejected = false;
  ejections = 0;
  /** Spans holding a slot. */
  inProgress = 0;
  /** Spans at this replica: waiting for a slot or in progress. */
  inSystem = 0;
  /** Spans that arrived (admitted or not): a controller's request rate. */
  arrivals = 0;
  readonly admission = new RingQueue<Span>();
  readonly cpu: Cpu<Span, Replica>;
  /** Unique in the model: parts keep their per-replica state in arrays indexed by it. */
  readonly uid: number;
  /** Spans in progress (holding a slot), as an intrusive list. */
  private head: Span | null = null;

  constructor(
    readonly service: Service,
    readonly index: number,
    readonly location: Location,
    private readonly env: ReplicaEnv,
    initial: 'ready' | 'starting',
  ) {
    this.state = initial;
    this.up = this.discoveredUp = initial === 'ready';
    this.uid = env.nextReplicaUid();
    this.cpu =
      service.cfs === null
        ? new Cpu(service.cores, service.speed, env.sim, this, env)
        : new CfsCpu(service.cores, service.speed, env.sim, this, env, service.cfs);
  }

  get id(): string {
    return `${this.service.name}#${this.index}`;
  }

  /** Busy cores now. */
  get busyCores(): number {
    return this.cpu.busy;
  }

  /** Spans waiting for a core now. */
  get runQueue(): RingQueue<Span> {
    return this.cpu.runQueue;
  }

  arrive(span: Span): void {
    const svc = this.service;
    const env = this.env;
    const listener = env.listener;
    span.replica = this;
    span.arrivalMs = env.sim.nowMs;
    this.arrivals++;
    if (svc.rateLimit !== null && !svc.takeToken(env.sim.nowMs)) {
      // over the rate limit: a cheap 429, no CPU spent
      span.outcome = Outcome.Rejected;
      span.rateLimited = true;
      listener.spanRefused(span);
      env.router.respond(span);
      return;
    }
    if (!this.up) {
      // it went down while the request was on the wire: connection refused
      span.outcome = Outcome.Unavailable;
      listener.spanRefused(span);
      env.router.respond(span);
      return;
    }
    if (this.inProgress >= svc.concurrency && this.admission.length >= svc.queueCapacity) {
      // turned away at the door: it never enters the replica
      span.outcome = Outcome.Rejected;
      listener.spanRefused(span);
      env.router.respond(span);
      return;
    }
    this.inSystem++;
    listener.spanArrived(span);
    if (this.inProgress < svc.concurrency) {
      this.start(span);
    } else {
      this.admission.push(span);
      listener.waitingChanged(this, 1);
    }
  }

  private start(span: Span): void {
    span.startMs = this.env.sim.nowMs;
    this.inProgress++;
    this.link(span);
    span.endpoint.flow.start(this, span);
  }

  /** The endpoint's own work: its CPU demand (with its RPC messages), then its flow goes on (cpuDone). */
  doWork(span: Span): void {
    let demandMs = span.endpoint.cpu.sample();
    if (span.endpoint.chargesRpc) demandMs += this.chargeRpc(span);
    this.compute(span, demandMs);
  }

  /** CPU work for a span; the flow goes on when it is done. The speed applies in the CPU, when the work reaches a core. */
  compute(span: Span, demandMs: number): void {
    this.cpu.run(span, demandMs);
  }

  /**
   * RPC CPU of a span, charged with its CPU work when it starts: serving the
   * request (receive it, send the answer) and, for each call it will make,
   * sending the request and receiving the answer. Which calls it makes is
   * drawn now, so the cost is known.
   */
  private chargeRpc(span: Span): number {
    const ep = span.endpoint;
    let rpcMs = span.viaShm ? ep.serveShmRpcMs : ep.serveRpcMs;
    if (ep.calls.length > 0) {
      const decisions = new Uint8Array(ep.calls.length);
      for (const call of ep.calls) {
        if (!ep.callsNow(call)) continue;
        decisions[call.index] = 1;
        rpcMs += call.callerRpcMs;
      }
      span.decisions = decisions;
    }
    span.rpcCpuMs = this.cpu.scale(rpcMs); // the part of the scaled demand
    return rpcMs;
  }

  /** The CPU finished a span's work (CpuOwner). */
  cpuDone(span: Span): void {
    const svc = this.service;
    const latency = svc.latencyFault;
    if (latency !== null && !span.faultWaited) {
      // a latency fault: the request waits once, after its first CPU work here, holding its slot but no core
      span.faultWaited = true;
      this.env.sim.schedule(latency.waitMs(span.cpuMs), this, FAULT_WAIT_DONE, span);
      return;
    }
    span.endpoint.flow.cpuDone(this, span);
  }

  handleEvent(code: number, ref: unknown): void {
    if (code === DISCOVERED_UP || code === DISCOVERED_DOWN) {
      this.discover(code === DISCOVERED_UP);
    } else if (code === COLD_START_DONE) {
      if (this.state === 'starting') this.setUp(true);
    } else if (code === UNEJECT) {
      this.ejected = false;
      this.service.updateRoutable();
      this.env.listener.replicaChanged(this);
    } else if (code === FAULT_WAIT_DONE) {
      const span = ref as Span;
      if (span.outcome === Outcome.Pending && span.replica === this) span.endpoint.flow.cpuDone(this, span);
    }
  }

  /** A stop-the-world pause: the work on its cores stands still for `durationMs`. */
  pause(durationMs: number): void {
    this.cpu.pause(durationMs);
  }

  /** The spans at this replica, in arrival order: those with work on a core among them (CpuOwner). */
  cpuJobs(): Span[] {
    const jobs: Span[] = [];
    for (let s = this.head; s !== null; s = s.nextInReplica) jobs.push(s);
    return jobs;
  }

  /** A call of `span` answered with `outcome`. */
  childDone(span: Span, outcome: Outcome): void {
    if (span.outcome !== Outcome.Pending) return; // the caller was killed meanwhile: the answer has nowhere to go
    span.endpoint.flow.childDone(this, span, outcome);
  }

  finish(span: Span, outcome: Outcome): void {
    const env = this.env;
    span.outcome = outcome;
    this.inProgress--;
    this.inSystem--;
    this.unlink(span);
    env.listener.spanFinished(span);
    const next = this.admission.shift();
    if (next !== undefined) {
      env.listener.waitingChanged(this, -1);
      this.start(next);
    }
    span.endpoint.flow.ended(this, span);
    if (this.state === 'draining' && this.inSystem === 0) this.setState('down'); // a removed replica has drained
    env.router.respond(span);
  }

  /**
   * Kill the replica: it goes down at once and every request at it fails
   * (Unavailable), as when a process dies; what it held in memory is lost.
   * Calls it made keep running elsewhere; their answers are dropped.
   */
  kill(): void {
    if (!this.up && this.inSystem === 0) return;
    this.setUp(false);
    const listener = this.env.listener;
    const victims: Span[] = this.admission.drain();
    const running: Span[] = [];
    for (let s = this.head; s !== null; s = s.nextInReplica) running.push(s);
    victims.push(...running);
    this.head = null;
    const stopped = this.cpu.stopAll(running);
    const waiting = victims.length - running.length + stopped.waiting;
    if (waiting > 0) listener.waitingChanged(this, -waiting);
    if (stopped.busy > 0) listener.busyChanged(this, -stopped.busy);
    this.inProgress = 0;
    this.inSystem = 0;
    for (const span of victims) {
      span.prevInReplica = span.nextInReplica = null;
      span.outcome = Outcome.Unavailable;
      listener.spanFinished(span);
    }
    for (const span of victims) span.endpoint.flow.ended(this, span);
    this.env.hooks.killed(this);
    this.state = 'down';
    listener.replicaChanged(this); // empty now: its cores no longer count
    for (const span of victims) this.env.router.respond(span);
  }

  /** A caller saw this replica answer (outlier ejection counts errors in a row). */
  observeOutcome(failed: boolean): void {
    const o = this.service.outlier;
    if (o === null) return;
    if (!failed) {
      this.consecutiveErrors = 0;
      return;
    }
    if (++this.consecutiveErrors < o.consecutiveErrors || this.ejected) return;
    const svc = this.service;
    const ejectedNow = svc.replicas.filter((r) => r.ejected).length;
    if (ejectedNow + 1 > Math.max(1, Math.floor(o.maxEjectedPercent * svc.replicas.length))) return; // keep enough in rotation
    this.ejected = true;
    this.ejections++;
    this.consecutiveErrors = 0;
    svc.updateRoutable();
    this.env.listener.replicaChanged(this);
    this.env.sim.schedule(o.ejectForMs * this.ejections, this, UNEJECT, null);
  }

  /** Bring a killed replica back, empty (cold caches), and tell the parts it left (a fault's end). */
  restart(): void {
    if (this.up) return;
    this.setUp(true);
    this.env.hooks.restarted(this);
  }

  /** Take the replica down (it drains what it holds) or bring it up; callers learn of it after the discovery delay. */
  setUp(up: boolean): void {
    if (this.up === up) return;
    this.up = up;
    this.state = up ? 'ready' : this.inSystem > 0 ? 'draining' : 'down';
    this.env.listener.replicaChanged(this);
    const delayMs = this.env.discoveryDelayMs;
    if (delayMs > 0) this.env.sim.schedule(delayMs, this, up ? DISCOVERED_UP : DISCOVERED_DOWN, null);
    else this.discover(up);
  }

  /** Start taking requests once a cold start of `coldStartMs` is over (it stays `starting` meanwhile). */
  coldStart(coldStartMs: number): void {
    this.env.listener.replicaChanged(this);
    this.env.sim.schedule(coldStartMs, this, COLD_START_DONE, null);
  }

  /** A replica still starting is not wanted after all: it goes down before it ever took a request. */
  abortStart(): void {
    if (this.state === 'starting') this.setState('down');
  }

  private setState(state: ReplicaState): void {
    this.state = state;
    this.env.listener.replicaChanged(this);
  }

  private discover(up: boolean): void {
    this.discoveredUp = up;
    this.service.updateRoutable();
  }

  private link(span: Span): void {
    span.prevInReplica = null;
    span.nextInReplica = this.head;
    if (this.head !== null) this.head.prevInReplica = span;
    this.head = span;
  }

  private unlink(span: Span): void {
    if (span.prevInReplica !== null) span.prevInReplica.nextInReplica = span.nextInReplica;
    else if (this.head === span) this.head = span.nextInReplica;
    if (span.nextInReplica !== null) span.nextInReplica.prevInReplica = span.prevInReplica;
    span.prevInReplica = span.nextInReplica = null;
  }
}

/** Injected latency on a service, by source (latency faults): each request waits once, after its first CPU work. */
export class LatencyFault {
  private readonly sources = new Map<string, { add: Sampler | null; multiply: number }>();

  set(source: string, add: Sampler | null, multiply: number): void {
    if (add === null && multiply === 1) this.sources.delete(source);
    else this.sources.set(source, { add, multiply });
  }

  get empty(): boolean {
    return this.sources.size === 0;
  }

  /** The wait of a request that used `cpuMs` of CPU: the drawn delays, plus (factor - 1) x cpuMs. */
  waitMs(cpuMs: number): number {
    let addMs = 0;
    let factor = 1;
    for (const s of this.sources.values()) {
      if (s.add !== null) addMs += s.add.sample();
      factor *= s.multiply;
    }
    return addMs + Math.max(0, factor - 1) * cpuMs;
  }
}

export class Service {
  readonly replicas: Replica[] = [];
  /** The replicas that are up, in index order: what the balancer chooses from. */
  routable: Replica[] = [];
  /** Up replicas by location index and by region index (for locality-aware picking). */
  private byLocation: Replica[][] = [];
  private byRegion: Replica[][] = [];
  readonly endpoints = new Map<string, Endpoint>();
  readonly cores: number;
  readonly concurrency: number;
  readonly queueCapacity: number;
  readonly locality: Locality;
  /** Callers report the latency they see to each replica (for the ewma balancer). */
  readonly tracksLatency: boolean;
  /** How fast its replicas' CPUs run (factors by source: what-ifs, faults). */
  readonly speed = new CpuSpeed();
  /** Injected latency (latency faults), or null without any. */
  latencyFault: LatencyFault | null = null;
  /**
   * A sharded service (a shared cache's nodes): a request goes to the replica
   * that owns its key, found by rendezvous hashing, instead of the balancer's
   * pick. Null for an ordinary service.
   */
  shardKey: ((span: Span) => number) | null = null;
  readonly rateLimit: { readonly ratePerSec: number; readonly burst: number } | null;
  /** A container CPU limit: its replicas' CPUs draw on a CFS quota per period (null: none). */
  readonly cfs: CfsBandwidth | null;
  readonly outlier: ServiceSpec['outlier'];
  private tokens = 0;
  private tokensStampMs = 0;
  private readonly balancer: Balancer;

  constructor(
    readonly name: string,
    readonly index: number,
    readonly spec: ServiceSpec,
    /** Where new replicas go: the first location it is placed in. */
    readonly homeLocation: Location,
    placement: readonly Location[],
    private readonly env: ReplicaEnv,
    streams: RandomStreams,
  ) {
    this.cores = spec.cores;
    this.concurrency = spec.concurrency ?? Infinity;
    this.queueCapacity = spec.queue ?? Infinity;
    this.locality = spec.locality;
    this.rateLimit = spec.rateLimit;
    this.cfs = spec.cpuLimit === undefined ? null : { quotaMs: spec.cpuLimit * spec.cfsPeriodMs!, periodMs: spec.cfsPeriodMs! };
    this.outlier = spec.outlier;
    this.tokens = spec.rateLimit?.burst ?? 0;
    this.tracksLatency = spec.balancer === 'ewma';
    for (const location of placement) this.replicas.push(new Replica(this, this.replicas.length, location, env, 'ready'));
    this.updateRoutable();
    for (const [name, ep] of Object.entries(spec.endpoints)) this.endpoints.set(name, new Endpoint(this, name, ep, streams));
    this.balancer = createBalancer(spec.balancer, streams.stream(`service:${name}:balancer`));
  }

  /** Take a token from the service's rate limiter (a token bucket), if one is there. */
  takeToken(nowMs: number): boolean {
    const rl = this.rateLimit!;
    this.tokens = Math.min(rl.burst, this.tokens + ((nowMs - this.tokensStampMs) * rl.ratePerSec) / 1000);
    this.tokensStampMs = nowMs;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /**
   * Choose the replica for a new span sent from `from`, or null when none is
   * up. With locality, replicas in the caller's datacenter (or region) come
   * first; farther ones only when none there is up.
   */
  pick(from: Location | null = null, locality: Locality = 'none'): Replica | null {
    const candidates = this.nearest(from, locality);
    return candidates.length === 0 ? null : this.balancer.pick(candidates);
  }

  /**
   * Replicas for n copies of one call (`count: n`): distinct ones, from the
   * balancer's pick on in index order, wrapping around when n exceeds them (so
   * each gets n / replicas, balanced). Empty when none is up.
   */
  spread(n: number, from: Location | null, locality: Locality): Replica[] {
    const candidates = this.nearest(from, locality);
    const m = candidates.length;
    if (m === 0) return [];
    const start = candidates.indexOf(this.balancer.pick(candidates));
    const out = new Array<Replica>(n);
    for (let i = 0; i < n; i++) out[i] = candidates[(start + i) % m];
    return out;
  }

  /** The routable replicas a caller at `from` may use: with locality, those in its datacenter or region first. */
  private nearest(from: Location | null, locality: Locality): Replica[] {
    if (from === null || locality === 'none') return this.routable;
    const local = locality === 'datacenter' ? this.byLocation[from.index] : undefined;
    if (local !== undefined && local.length > 0) return local;
    const regional = this.byRegion[from.regionIndex];
    return regional !== undefined && regional.length > 0 ? regional : this.routable;
  }

  /**
   * The replica that holds a key: rendezvous hashing (highest score wins) over
   * the replicas callers see, so a replica that leaves moves only its own keys
   * and one that joins takes 1/n of them. With locality, over those in the
   * caller's datacenter or region, farther ones only when none there is up.
   */
  pickShard(key: number, from: Location | null = null): Replica | null {
    let best: Replica | null = null;
    let bestScore = -1;
    for (const r of this.nearest(from, this.locality)) {
      const score = mix32(key ^ mix32(r.index + 0x9e3779b9));
      if (score > bestScore) {
        bestScore = score;
        best = r;
      }
    }
    return best;
  }

  /** Replicas that are really up (what callers see may lag: `routable`). */
  upReplicas(): Replica[] {
    return this.replicas.filter((r) => r.up);
  }

  updateRoutable(): void {
    this.routable = this.replicas.filter((r) => r.discoveredUp && !r.ejected);
    this.byLocation = [];
    this.byRegion = [];
    for (const r of this.routable) {
      (this.byLocation[r.location.index] ??= []).push(r);
      (this.byRegion[r.location.regionIndex] ??= []).push(r);
    }
  }

  /** Add a replica in the service's first location; it takes traffic once callers discover it (after any cold start). */
  addReplica(coldStartMs = 0): Replica {
    const r = new Replica(this, this.replicas.length, this.homeLocation, this.env, 'starting');
    this.replicas.push(r);
    this.env.hooks.added(r);
    if (coldStartMs > 0) r.coldStart(coldStartMs);
    else r.setUp(true);
    return r;
  }
}
