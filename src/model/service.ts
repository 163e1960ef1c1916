// Services, their endpoints and replicas: admission (concurrency + bounded queue), FIFO CPU cores, call steps.
import { type Sampler, createSampler } from '../engine/distributions.js';
import { RingQueue } from '../engine/ring-queue.js';
import type { RandomStream, RandomStreams } from '../engine/rng.js';
import type { EventTarget } from '../engine/simulation.js';
import type { EndpointSpec, Locality, OnWrite, ServiceSpec, Transport } from '../scenario/spec.js';
import type { Location } from './network.js';
import { type Balancer, PeakEwma, createBalancer } from './balancer.js';
import type { Breaker } from './breaker.js';
import type { Bulkhead, CallPolicy } from './resilience.js';
import { type CacheCalls, type CacheCopy, type CacheLevel, awaitsLocalLookup, awaitsRemoteLookup } from './cache.js';
import type { KeySource } from './key-space.js';
import { Outcome, type Span } from './span.js';
import type { World } from './world.js';

/** A call of an endpoint's step, resolved to its target. */
export interface Call {
  readonly service: Service;
  readonly endpoint: Endpoint;
  readonly probability: number;
  /** How the caller picks among the callee's replicas by location. */
  readonly locality: Locality;
  readonly transport: Transport;
  /** Position among all calls of the calling endpoint (for per-span call decisions). */
  readonly index: number;
  /** CPU the caller spends on this call with rpc costs: sending the request, receiving the response. */
  readonly callerRpcMs: number;
  /** Timeout and retries, or null for a plain call. */
  readonly policy: CallPolicy | null;
}

export class Endpoint {
  readonly cpu: Sampler;
  readonly errorRate: number;
  readonly steps: Call[][] = [];
  /** Every call of every step, in order. */
  readonly calls: Call[] = [];
  /** Failure probability added by a fault schedule. */
  faultErrorRate = 0;
  /** The keys its requests ask for, and the caches they look up first, in order (null: none). */
  keys: KeySource | null = null;
  levels: CacheLevel[] | null = null;
  /** What its writes do to the cached key, overriding each cache's onWrite (null: the caches'). */
  onWrite: OnWrite | null = null;
  /** Per level, the calls to a shared cache's nodes (null for a local cache). */
  cacheCalls: (CacheCalls | null)[] = [];
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
    const injected = this.service.injectedErrorRate + this.faultErrorRate;
    return injected > 0 && this.injectedRng.next() < injected;
  }

  callsNow(call: Call): boolean {
    return call.probability >= 1 || this.callRng.next() < call.probability;
  }
}

const CPU_DONE = 1;
const DISCOVERED_UP = 2;
const DISCOVERED_DOWN = 3;
const FAULT_WAIT_DONE = 4;
const UNEJECT = 5;

/**
 * One instance of a service. A span holds a concurrency slot from admission to
 * its response (thread-per-request: the slot is kept while waiting on calls);
 * without a free slot it waits in the admission queue, and beyond the queue's
 * capacity it is rejected. CPU work queues FIFO for the replica's cores.
 */
export class Replica implements EventTarget {
  /** Taking new requests. A replica that is down finishes nothing more (killed) or drains (removed). */
  up = true;
  /** What callers believe (it follows `up` after the discovery delay): the balancer picks among these. */
  discoveredUp = true;
  /** Latency as callers see it, network included (kept for the ewma balancer). */
  readonly latency = new PeakEwma();
  /** Outlier ejection: errors in a row, whether ejected now, and how often it has been. */
  consecutiveErrors = 0;
  ejected = false;
  ejections = 0;
  busyCores = 0;
  /** Spans holding a slot. */
  inProgress = 0;
  /** Spans at this replica: waiting for a slot or in progress. */
  inSystem = 0;
  readonly admission = new RingQueue<Span>();
  readonly runQueue = new RingQueue<Span>();
  /** Spans in progress (holding a slot), as an intrusive list. */
  private head: Span | null = null;
  /** Until when the cores stand still (a pause fault). */
  private pausedUntilMs = 0;
  /** Its copies of caches, by cache index: local caches in its memory, or a shared cache node's contents. Lost when it is killed. */
  readonly cacheCopies: (CacheCopy | undefined)[] = [];
  /** Its calls' circuit breakers and bulkheads, by call site (policy.site; null where the call has none). */
  readonly breakers: (Breaker | null)[] = [];
  readonly bulkheads: (Bulkhead | null)[] = [];

  constructor(
    readonly service: Service,
    readonly index: number,
    readonly location: Location,
    private readonly world: World,
  ) {}

  get id(): string {
    return `${this.service.name}#${this.index}`;
  }

  arrive(span: Span): void {
    const svc = this.service;
    const listener = this.world.listener;
    span.replica = this;
    span.arrivalMs = this.world.sim.nowMs;
    if (svc.rateLimit !== null && !svc.takeToken(this.world.sim.nowMs)) {
      // over the rate limit: a cheap 429, no CPU spent
      span.outcome = Outcome.Rejected;
      span.rateLimited = true;
      listener.spanRefused(span);
      this.world.respond(span);
      return;
    }
    if (!this.up) {
      // it went down while the request was on the wire: connection refused
      span.outcome = Outcome.Unavailable;
      listener.spanRefused(span);
      this.world.respond(span);
      return;
    }
    if (this.inProgress >= svc.concurrency && this.admission.length >= svc.queueCapacity) {
      // turned away at the door: it never enters the replica
      span.outcome = Outcome.Rejected;
      listener.spanRefused(span);
      this.world.respond(span);
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
    this.inProgress++;
    this.link(span);
    if (span.endpoint.levels !== null) this.world.cacheFlow.begin(this, span);
    else this.doWork(span);
  }

  /** The endpoint's own work (the origin, for a cached endpoint): its CPU, then its calls. */
  doWork(span: Span): void {
    let demandMs = span.endpoint.cpu.sample();
    if (this.world.rpc !== null) demandMs += this.chargeRpc(span);
    this.compute(span, demandMs);
  }

  /**
   * CPU work for a span on the replica's cores, first come first served; then
   * it goes on (afterCpu). The demand is scaled by the service's CPU speed here
   * and nowhere else (what-ifs and cpu faults), so every kind of work (own work,
   * RPC messages, local cache lookups) slows down alike.
   */
  compute(span: Span, demandMs: number): void {
    const cpuMs = demandMs * this.service.cpuScale;
    span.cpuMs += cpuMs;
    if (cpuMs <= 0) {
      this.afterCpu(span);
    } else if (this.busyCores < this.service.cores) {
      this.busyCores++;
      this.world.listener.busyChanged(this, 1);
      this.runCpu(span, cpuMs);
    } else {
      span.cpuEndMs = cpuMs; // while it waits for a core: its demand
      this.runQueue.push(span);
      this.world.listener.waitingChanged(this, 1);
    }
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
    span.rpcCpuMs = rpcMs * this.service.cpuScale; // the part of the scaled demand (see compute)
    return rpcMs;
  }

  handleEvent(code: number, ref: unknown): void {
    if (code === CPU_DONE) {
      const span = ref as Span;
      span.cpuTimer = -1;
      const next = this.runQueue.shift();
      if (next !== undefined) {
        this.world.listener.waitingChanged(this, -1);
        this.runCpu(next, next.cpuEndMs); // the core passes straight on
      } else {
        this.busyCores--;
        this.world.listener.busyChanged(this, -1);
      }
      this.afterCpu(span);
    } else if (code === DISCOVERED_UP || code === DISCOVERED_DOWN) {
      this.discover(code === DISCOVERED_UP);
    } else if (code === UNEJECT) {
      this.ejected = false;
      this.service.updateRoutable();
      this.world.listener.replicaChanged(this);
    } else if (code === FAULT_WAIT_DONE) {
      const span = ref as Span;
      if (span.outcome === Outcome.Pending && span.replica === this) this.afterCpu(span);
    }
  }

  /** Put CPU work on a core (after any pause in progress). */
  private runCpu(span: Span, cpuMs: number): void {
    const now = this.world.sim.nowMs;
    const endMs = Math.max(now, this.pausedUntilMs) + cpuMs;
    span.cpuEndMs = endMs;
    span.cpuTimer = this.world.sim.scheduleAt(endMs, this, CPU_DONE, span);
  }

  /** A stop-the-world pause: work on the cores stands still for `durationMs`. */
  pause(durationMs: number): void {
    const now = this.world.sim.nowMs;
    const from = Math.max(now, this.pausedUntilMs);
    this.pausedUntilMs = from + durationMs;
    for (let s = this.head; s !== null; s = s.nextInReplica) {
      if (s.cpuTimer < 0) continue;
      this.world.sim.cancel(s.cpuTimer);
      s.cpuEndMs += this.pausedUntilMs - from;
      s.cpuTimer = this.world.sim.scheduleAt(s.cpuEndMs, this, CPU_DONE, s);
    }
  }

  private afterCpu(span: Span): void {
    const svc = this.service;
    if (!span.faultWaited && (svc.faultDelay !== null || svc.faultLatencyFactor !== 1)) {
      // a latency fault: the request waits once, after its first CPU work here, holding its slot but no core
      span.faultWaited = true;
      const waitMs = (svc.faultDelay === null ? 0 : svc.faultDelay.sample()) + Math.max(0, svc.faultLatencyFactor - 1) * span.cpuMs;
      this.world.sim.schedule(waitMs, this, FAULT_WAIT_DONE, span);
      return;
    }
    if (awaitsLocalLookup(span)) {
      this.world.cacheFlow.localLookupDone(this, span);
      return;
    }
    if (span.endpoint.failsNow()) {
      this.finish(span, Outcome.Error);
      return;
    }
    if (this.service.cacheLevel !== null) this.world.cacheFlow.serve(this, span);
    span.step = 0;
    this.runSteps(span);
  }

  /** Issue the calls of the current step; move on while steps make no calls. */
  private runSteps(span: Span): void {
    const ep = span.endpoint;
    const steps = ep.steps;
    while (span.step < steps.length) {
      const calls = steps[span.step];
      span.pending = 1; // guard: children that answer at once cannot end the step while it is issued
      for (let i = 0; i < calls.length; i++) {
        const call = calls[i];
        if (span.decisions !== null ? span.decisions[call.index] === 0 : !ep.callsNow(call)) continue;
        span.pending++;
        this.world.call(span, call);
        if (span.outcome !== Outcome.Pending) return; // this replica was killed meanwhile
      }
      if (--span.pending > 0) return; // wait for childDone
      if (span.childFailure !== Outcome.Pending) {
        this.finish(span, span.childFailure);
        return;
      }
      span.step++;
    }
    this.finish(span, Outcome.Ok);
  }

  /** A call of `span` answered with `outcome`. */
  childDone(span: Span, outcome: Outcome): void {
    if (span.outcome !== Outcome.Pending) return; // the caller was killed (or it ended, and this was a cache write); the answer has nowhere to go
    if (awaitsRemoteLookup(span)) {
      this.world.cacheFlow.remoteLookupDone(this, span, outcome);
      return;
    }
    if (outcome !== Outcome.Ok && span.childFailure === Outcome.Pending) span.childFailure = outcome;
    if (--span.pending > 0) return;
    if (span.childFailure !== Outcome.Pending) {
      this.finish(span, span.childFailure);
      return;
    }
    span.step++;
    this.runSteps(span);
  }

  finish(span: Span, outcome: Outcome): void {
    span.outcome = outcome;
    this.inProgress--;
    this.inSystem--;
    this.unlink(span);
    this.world.listener.spanFinished(span);
    const next = this.admission.shift();
    if (next !== undefined) {
      this.world.listener.waitingChanged(this, -1);
      this.start(next);
    }
    if (span.cache !== null) this.world.cacheFlow.ended(this, span);
    if (!this.up && this.inSystem === 0) this.world.listener.replicaChanged(this); // a removed replica has drained
    this.world.respond(span);
  }

  /**
   * Kill the replica: it goes down at once and every request at it fails
   * (Unavailable), as when a process dies. Calls it made keep running
   * elsewhere; their answers are dropped.
   */
  kill(): void {
    if (!this.up && this.inSystem === 0) return;
    this.setUp(false);
    const listener = this.world.listener;
    const victims: Span[] = [];
    const waiting = this.admission.length + this.runQueue.length;
    victims.push(...this.admission.drain());
    this.runQueue.drain(); // these are in progress too, so in the list below
    for (let s = this.head; s !== null; s = s.nextInReplica) victims.push(s);
    this.head = null;
    if (waiting > 0) listener.waitingChanged(this, -waiting);
    if (this.busyCores > 0) listener.busyChanged(this, -this.busyCores);
    this.busyCores = 0;
    this.inProgress = 0;
    this.inSystem = 0;
    for (const span of victims) {
      if (span.cpuTimer >= 0) this.world.sim.cancel(span.cpuTimer);
      span.cpuTimer = -1;
      span.prevInReplica = span.nextInReplica = null;
      span.outcome = Outcome.Unavailable;
      listener.spanFinished(span);
    }
    for (const span of victims) if (span.cache !== null) this.world.cacheFlow.ended(this, span);
    this.cacheCopies.length = 0; // its memory is gone: caches start cold after a restart
    listener.replicaChanged(this); // empty now: its cores no longer count
    for (const span of victims) this.world.respond(span);
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
    this.world.listener.replicaChanged(this);
    this.world.sim.schedule(o.ejectForMs * this.ejections, this, UNEJECT, null);
  }

  /** Take the replica down (or bring it up); callers learn of it after the discovery delay. */
  setUp(up: boolean): void {
    if (this.up === up) return;
    this.up = up;
    this.world.listener.replicaChanged(this);
    const delayMs = this.world.spec.discoveryDelayMs;
    if (delayMs > 0) this.world.sim.schedule(delayMs, this, up ? DISCOVERED_UP : DISCOVERED_DOWN, null);
    else this.discover(up);
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
  /** Multiplies every CPU demand (a slowdown what-if). */
  cpuFactor = 1;

  /** What a CPU demand is multiplied by now: the slowdown what-if and a cpu fault. Applied in Replica.compute only. */
  get cpuScale(): number {
    return this.cpuFactor * this.faultCpuFactor;
  }
  /** The shared cache whose nodes these replicas are (null: an application service). */
  cacheLevel: CacheLevel | null = null;
  /** Extra failure probability on every endpoint (an error-injection what-if). */
  injectedErrorRate = 0;
  /** Its calls' circuit breakers are switched off (a what-if). */
  breakersDisabled = false;
  readonly rateLimit: { readonly ratePerSec: number; readonly burst: number } | null;
  readonly outlier: ServiceSpec['outlier'];
  private tokens = 0;
  private tokensStampMs = 0;

  /** Take a token from the service's rate limiter (a token bucket), if one is there. */
  takeToken(nowMs: number): boolean {
    const rl = this.rateLimit!;
    this.tokens = Math.min(rl.burst, this.tokens + ((nowMs - this.tokensStampMs) * rl.ratePerSec) / 1000);
    this.tokensStampMs = nowMs;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Set by the fault schedule: CPU slowdown, and a latency fault's wait per request (drawn, and a factor of its CPU time). */
  faultCpuFactor = 1;
  faultDelay: Sampler | null = null;
  faultLatencyFactor = 1;
  private readonly balancer: Balancer;

  constructor(
    readonly name: string,
    readonly index: number,
    readonly spec: ServiceSpec,
    private readonly world: World,
    streams: RandomStreams,
  ) {
    this.cores = spec.cores;
    this.concurrency = spec.concurrency ?? Infinity;
    this.queueCapacity = spec.queue ?? Infinity;
    this.locality = spec.locality;
    this.rateLimit = spec.rateLimit;
    this.outlier = spec.outlier;
    this.tokens = spec.rateLimit?.burst ?? 0;
    this.tracksLatency = spec.balancer === 'ewma';
    for (const p of spec.placement) {
      const location = world.location(p.location);
      for (let i = 0; i < p.replicas; i++) this.replicas.push(new Replica(this, this.replicas.length, location, world));
    }
    this.updateRoutable();
    for (const [name, ep] of Object.entries(spec.endpoints)) this.endpoints.set(name, new Endpoint(this, name, ep, streams));
    this.balancer = createBalancer(spec.balancer, streams.stream(`service:${name}:balancer`));
  }

  /** The first location the service is placed in (new replicas go there). */
  get homeLocation(): Location {
    return this.replicas[0]?.location ?? this.world.locations[0];
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

  /** The routable replicas a caller at `from` may use: with locality, those in its datacenter or region first. */
  private nearest(from: Location | null, locality: Locality): Replica[] {
    if (from === null || locality === 'none') return this.routable;
    const local = locality === 'datacenter' ? this.byLocation[from.index] : undefined;
    if (local !== undefined && local.length > 0) return local;
    const regional = this.byRegion[from.regionIndex];
    return regional !== undefined && regional.length > 0 ? regional : this.routable;
  }

  /**
   * The node that holds a key of a shared cache: rendezvous hashing (highest
   * score wins) over the replicas callers see, so a node that leaves moves
   * only its own keys and a node that joins takes 1/n of them. With locality,
   * over the nodes in the caller's datacenter or region (a cache per region),
   * farther ones only when none there is up.
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

  /** Add a replica (a scale-out what-if) in the service's first location. It takes traffic once callers discover it. */
  addReplica(): Replica {
    const r = new Replica(this, this.replicas.length, this.homeLocation, this.world);
    r.up = false;
    r.discoveredUp = false;
    this.replicas.push(r);
    this.world.equip(r);
    r.setUp(true);
    return r;
  }
}

/** MurmurHash3's 32-bit finalizer: a well-mixed unsigned hash of an integer. */
function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
