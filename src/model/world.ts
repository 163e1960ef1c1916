// Builds a runnable world from a scenario spec and a seed, and carries calls and responses between services.
import { RandomStreams } from '../engine/rng.js';
import { type EventTarget, Simulation } from '../engine/simulation.js';
import type { BreakerSpec, RetrySpec, RpcSpec, ScenarioSpec } from '../scenario/spec.js';
import { Breaker } from './breaker.js';
import { FaultSchedule } from './faults.js';
import { type ModelListener, nullListener } from './listener.js';
import { type Location, Network, buildLocations, hopClassOf } from './network.js';
import { type Call, type Endpoint, type Replica, Service } from './service.js';
import { createSampler } from '../engine/distributions.js';
import { Bulkhead, CallAttempts, Edge, HedgeDelay } from './resilience.js';
import { Outcome, type RootRequest, Span } from './span.js';
import { Workload } from './workload.js';
import { type CacheCalls, CacheFlow, CacheLevel } from './cache.js';
import { KeySource } from './key-space.js';

export interface WorldOptions {
  seed?: number;
  listener?: ModelListener;
}

/** A request reaches its replica after its hop. */
const ARRIVE = 1;
/** A response reaches its caller after its hop back. */
const RESPONSE = 2;

/**
 * The simulated system: services, workloads and the simulation they run on.
 * A pure function of (spec, seed): every random number comes from a stream
 * named after its purpose and seeded from the run seed. Without a `network:`
 * section hops take no time and cost no events; with one, every request and
 * response is a hop between two locations, drawn from its hop class or link.
 */
export class World implements EventTarget {
  readonly sim = new Simulation();
  readonly services: Service[] = [];
  readonly workloads: Workload[] = [];
  /** The scenario's caches, in file order (a shared one's nodes are also a service). */
  readonly caches: CacheLevel[] = [];
  readonly cacheFlow = new CacheFlow(this);
  readonly locations: Location[];
  /** Caller -> callee service pairs that have calls with a timeout or retries. */
  readonly edges: Edge[] = [];
  /** Some call has a timeout or hedges: spans may be abandoned (wasted work is then tracked). */
  readonly hasTimeouts: boolean;
  readonly network: Network | null;
  readonly rpc: RpcSpec | null;
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly seed: number;
  listener: ModelListener;
  private readonly byName = new Map<string, Service>();
  private readonly locationById = new Map<string, Location>();
  private started = false;
  private readonly faultSchedule: FaultSchedule;

  constructor(
    readonly spec: ScenarioSpec,
    options: WorldOptions = {},
  ) {
    this.seed = options.seed ?? spec.seed;
    this.listener = options.listener ?? nullListener;
    this.warmupMs = spec.warmupMs;
    this.durationMs = spec.durationMs;
    const streams = new RandomStreams(this.seed);
    this.locations = buildLocations(spec.regions);
    for (const l of this.locations) this.locationById.set(l.id, l);
    this.network = spec.network ? new Network(spec.network, Object.keys(spec.regions), streams) : null;
    this.rpc = spec.rpc;
    const rpcMs = (bytes: number, shm: boolean) =>
      this.rpc === null
        ? 0
        : shm
          ? this.rpc.shmOverheadMs + (this.rpc.shmPerKBMs * bytes) / 1024
          : this.rpc.overheadMs + (this.rpc.perKBMs * bytes) / 1024;
    Object.entries(spec.services).forEach(([name, s], i) => {
      const svc = new Service(name, i, s, this, streams);
      this.services.push(svc);
      this.byName.set(name, svc);
    });
    // calls are resolved once all services exist
    for (const svc of this.services) {
      const sites: Call[] = [];
      this.sites.push(sites);
      for (const [epName, ep] of svc.endpoints) {
        ep.serveRpcMs = rpcMs(ep.requestBytes, false) + rpcMs(ep.responseBytes, false);
        ep.serveShmRpcMs = rpcMs(ep.requestBytes, true) + rpcMs(ep.responseBytes, true);
        for (const step of svc.spec.endpoints[epName].steps) {
          const calls = step.map((c): Call => {
            const callee = this.service(c.service);
            const target = callee.endpoints.get(c.endpoint)!;
            const shm = c.transport === 'shm';
            const index = ep.calls.length + step.indexOf(c);
            const site = c.breaker !== null || c.bulkhead !== null ? sites.length : -1;
            const policy =
              c.timeoutMs === null &&
              c.retry === null &&
              c.breaker === null &&
              c.hedge === null &&
              c.bulkhead === null &&
              c.fallback === null
                ? null
                : {
                    timeoutMs: c.timeoutMs,
                    retry: c.retry,
                    breaker: c.breaker,
                    hedge: c.hedge === null ? null : new HedgeDelay(c.hedge),
                    fallback:
                      c.fallback === null
                        ? null
                        : createSampler(c.fallback.cpu, streams.stream(`call:${svc.name}.${epName}[${index}]:fallback`)),
                    bulkhead: c.bulkhead,
                    edge: this.edge(svc, callee, c.retry),
                    rng: streams.stream(`call:${svc.name}.${epName}[${index}]:retry`),
                    site,
                  };
            const call: Call = {
              policy,
              service: callee,
              endpoint: target,
              probability: c.probability,
              locality: shm ? 'datacenter' : (c.locality ?? callee.locality),
              transport: c.transport,
              index,
              callerRpcMs: rpcMs(target.requestBytes, shm) + rpcMs(target.responseBytes, shm),
            };
            if (site >= 0) sites.push(call);
            return call;
          });
          ep.steps.push(calls);
          ep.calls.push(...calls);
        }
      }
    }
    for (const svc of this.services) for (const r of svc.replicas) this.equip(r);
    this.buildCaches(streams);
    this.hasTimeouts =
      this.services.some((s) =>
        [...s.endpoints.values()].some((e) => e.calls.some((c) => c.policy?.timeoutMs != null || c.policy?.hedge != null)),
      ) || this.caches.some((c) => c.service !== null && c.spec.timeoutMs !== null);
    spec.workloads.forEach((w, i) => {
      this.workloads.push(new Workload(w, i, this, streams));
    });
    this.faultSchedule = new FaultSchedule(this, spec.faults, streams);
  }

  /** Where each key space's keys begin (key spaces are numbered one after another). */
  private readonly keyOffsets = new Map<string, number>();

  /** A key as people read it: `products#0` is the most popular product. */
  keyName(key: number): string {
    let name = '?';
    let base = 0;
    for (const [space, offset] of this.keyOffsets) {
      if (offset > key) break;
      name = space;
      base = offset;
    }
    return `${name}#${key - base}`;
  }

  /** Caches, and for each endpoint with keys its key source and lookup order. */
  private buildCaches(streams: RandomStreams): void {
    for (const c of Object.values(this.spec.caches)) this.caches.push(new CacheLevel(this.caches.length, c, this, streams));
    const offsets = this.keyOffsets;
    let offset = 0;
    for (const k of Object.values(this.spec.keys)) {
      offsets.set(k.name, offset);
      offset += k.count;
    }
    for (const svc of this.services) {
      for (const [epName, ep] of svc.endpoints) {
        const es = svc.spec.endpoints[epName];
        if (es.keys !== null) ep.keys = new KeySource(this.spec.keys[es.keys], offsets.get(es.keys)!, streams, `${svc.name}.${epName}`);
        if (es.cache.length === 0) continue;
        ep.levels = es.cache.map((name) => this.caches.find((c) => c.name === name)!);
        ep.onWrite = es.onWrite;
        ep.cacheCalls = ep.levels.map((level) => (level.service === null ? null : this.cacheCalls(svc, epName, level, streams)));
      }
    }
  }

  /** A caller endpoint's get (with the cache's timeout), set and del calls to a shared cache's nodes. */
  private cacheCalls(caller: Service, epName: string, level: CacheLevel, streams: RandomStreams): CacheCalls {
    const nodes = level.service!;
    const timeoutMs = level.spec.timeoutMs;
    const call = (endpoint: string, withTimeout: boolean): Call => ({
      service: nodes,
      endpoint: nodes.endpoints.get(endpoint)!,
      probability: 1,
      locality: 'none',
      transport: 'tcp',
      index: -1,
      callerRpcMs: 0,
      policy:
        withTimeout && timeoutMs !== null
          ? {
              timeoutMs,
              retry: null,
              breaker: null,
              hedge: null,
              fallback: null,
              bulkhead: null,
              edge: this.edge(caller, nodes, null),
              rng: streams.stream(`call:${caller.name}.${epName}:cache:${level.name}`),
              site: -1,
            }
          : null,
    });
    return { get: call('get', true), set: call('set', false), del: call('del', false) };
  }

  /** Region or datacenter pairs cut off from each other now (`a~b` both ways), by a partition fault. */
  private readonly partitions = new Set<string>();

  setPartition(pair: string, on: boolean): void {
    const [a, b] = pair.split('~');
    for (const key of [`${a}~${b}`, `${b}~${a}`]) {
      if (on) this.partitions.add(key);
      else this.partitions.delete(key);
    }
  }

  private partitioned(from: Location, to: Location): boolean {
    if (this.partitions.size === 0 || from.index === to.index) return false;
    return this.partitions.has(`${from.region}~${to.region}`) || this.partitions.has(`${from.id}~${to.id}`);
  }

  /**
   * Circuit breakers by name (`caller->callee`, the caller a replica id or a service), in the
   * order they were made: the replicas' in service and replica order, then those of added replicas.
   */
  readonly breakers = new Map<string, Breaker>();
  /** By service index: its calls with a breaker or a bulkhead (call sites), in order (a call's policy.site). */
  private readonly sites: Call[][] = [];

  /**
   * Give a replica (when the world is built, or when it is added) its breakers and
   * bulkheads, by call site. A bulkhead is its own; a breaker is its own (scope: replica)
   * or its service's (scope: service), and one per callee: call sites calling the same
   * service share it (the first one's settings make it).
   */
  equip(replica: Replica): void {
    for (const call of this.sites[replica.service.index]) {
      const p = call.policy!;
      replica.bulkheads.push(p.bulkhead === null ? null : new Bulkhead(p.bulkhead.maxConcurrent, p.bulkhead.queue));
      replica.breakers.push(p.breaker === null ? null : this.breaker(replica, call, p.breaker));
    }
  }

  private breaker(caller: Replica, call: Call, spec: BreakerSpec): Breaker {
    const owner = spec.scope === 'service' ? caller.service.name : caller.id;
    const name = `${owner}->${call.service.name}`;
    let b = this.breakers.get(name);
    if (!b) {
      b = new Breaker(name, caller.service, spec, this);
      b.disabled = caller.service.breakersDisabled;
      this.breakers.set(name, b);
    }
    return b;
  }

  /** The edge between two services (one per pair; the first retry policy seen sets its budget and bucket). */
  private edge(from: Service, to: Service, retry: RetrySpec | null): Edge {
    const found = this.edges.find((e) => e.from === from && e.to === to);
    if (found) return found;
    const e = new Edge(this.edges.length, from, to, retry);
    this.edges.push(e);
    return e;
  }

  service(name: string): Service {
    const s = this.byName.get(name);
    if (!s) throw new Error(`unknown service ${name}`);
    return s;
  }

  location(id: string): Location {
    const l = this.locationById.get(id);
    if (!l) throw new Error(`unknown location ${id}`);
    return l;
  }

  /** Schedule the workloads' first arrivals. Idempotent. */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const w of this.workloads) w.start();
    this.faultSchedule.start();
  }

  /** A workload request leaves its clients for the entry service. */
  enter(root: RootRequest, service: Service, endpoint: Endpoint): void {
    const span = new Span(service, endpoint, null, root, root.measured);
    this.send(span, root.workload.location, service.locality);
  }

  /** `parent` calls another service. */
  call(parent: Span, call: Call): void {
    if (call.policy !== null) {
      new CallAttempts(this, parent, call, call.policy).start();
      return;
    }
    const span = new Span(call.service, call.endpoint, parent, parent.root, this.sim.nowMs >= this.warmupMs);
    this.send(span, parent.replica!.location, call.locality, call.transport === 'shm');
  }

  /** Pick a replica and send the request there; with none up it fails at once (Unavailable). */
  send(span: Span, from: Location, locality: Call['locality'], shm = false): void {
    const svc = span.service;
    // a shared cache's key lives on one node; a fill or write goes there after its request ended
    const replica = svc.cacheLevel !== null ? svc.pickShard(span.parent!.cache!.key, from) : svc.pick(from, locality);
    if (replica === null) {
      span.arrivalMs = this.sim.nowMs;
      span.outcome = Outcome.Unavailable;
      this.listener.spanRefused(span);
      this.respond(span);
      return;
    }
    if (span.parent === null) span.root.entry = replica;
    span.sentMs = this.sim.nowMs;
    // shared memory needs a replica on the same host group (datacenter); otherwise the call goes over TCP
    if (shm && replica.location === from) span.viaShm = true;
    if (this.network === null || span.viaShm) {
      if (!this.partitioned(from, replica.location)) replica.arrive(span);
      else this.listener.messageLost(span, from, replica.location); // the caller waits (for its timeout)
      return;
    }
    span.replica = replica;
    const delayMs = this.hop(from, replica.location, span.endpoint.requestBytes);
    if (delayMs >= 0) this.sim.schedule(delayMs, this, ARRIVE, span);
    else this.listener.messageLost(span, from, replica.location); // in a partition: the caller waits (for its timeout)
  }

  /** A span has its answer: hand it to its caller (after the hop back, with a network), or end the workload request. */
  respond(span: Span): void {
    if (span.replica !== null) {
      const to = span.parent !== null ? span.parent.replica!.location : span.root.workload.location;
      if (this.partitioned(span.replica.location, to)) {
        this.listener.messageLost(span, span.replica.location, to); // the answer is lost
        return;
      }
      if (this.network !== null && !span.viaShm) {
        const delayMs = this.hop(span.replica.location, to, span.endpoint.responseBytes);
        if (delayMs >= 0) this.sim.schedule(delayMs, this, RESPONSE, span);
        return;
      }
    }
    this.deliver(span);
  }

  handleEvent(code: number, ref: unknown): void {
    const span = ref as Span;
    if (code === ARRIVE) (span.replica as Replica).arrive(span);
    else this.deliver(span);
  }

  private deliver(span: Span): void {
    if (span.service.outlier !== null && span.replica !== null && !span.rateLimited && span.outcome !== Outcome.Rejected)
      span.replica.observeOutcome(span.outcome !== Outcome.Ok);
    if (span.service.tracksLatency && span.replica !== null && span.outcome === Outcome.Ok)
      span.replica.latency.observe(this.sim.nowMs - span.sentMs, this.sim.nowMs);
    if (span.attempts !== null) {
      span.attempts.attemptDone(span);
      return;
    }
    const parent = span.parent;
    if (parent !== null) {
      parent.replica!.childDone(parent, span.outcome);
      return;
    }
    const root = span.root;
    root.outcome = span.outcome;
    root.endMs = this.sim.nowMs;
    this.listener.requestFinished(root);
    root.workload.finished(root);
  }

  /** Account for a message between two locations and draw its delay; -1 when a partition swallows it. */
  private hop(from: Location, to: Location, bytes: number): number {
    if (this.partitioned(from, to)) return -1;
    const hopClass = hopClassOf(from, to);
    const network = this.network!;
    const lostBefore = network.retransmits;
    const delayMs = network.delayMs(from, to, hopClass, bytes);
    this.listener.hopSent(hopClass, from, to, bytes, network.retransmits - lostBefore);
    return delayMs;
  }
}
