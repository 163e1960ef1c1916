// The router: carries requests to replicas and answers back, over the network's hops when there is one, through partitions.
import type { EventTarget, Simulation } from '../engine/simulation.js';
import type { Locality } from '../scenario/spec.js';
import { type Location, type Network, hopClassOf } from './network.js';
import type { Endpoint, Replica, Service } from './service.js';
import { Outcome, type RootRequest, Span } from './span.js';

/** What the router tells the model's observers. */
export interface RouterEvents {
  spanRefused(span: Span): void;
  /** A partition swallowed a message of `span`: its request on the way from `from` to `to`, or its answer on the way back. */
  messageLost(span: Span, from: Location, to: Location): void;
  /** A message left `from` for `to` (only with a network): hop class 0 same datacenter, 1 across datacenters, 2 across regions. */
  hopSent(hopClass: number, from: Location, to: Location, bytes: number, retransmits: number): void;
  requestFinished(req: RootRequest): void;
}

export interface RouterEnv {
  readonly sim: Simulation;
  readonly listener: RouterEvents;
}

/** A request reaches its replica after its hop. */
const ARRIVE = 1;
/** A response reaches its caller after its hop back. */
const RESPONSE = 2;

/**
 * Carries spans between places. Without a network, hops take no time and cost
 * no events (pure queueing models stay exact); with one, every request and
 * answer is a hop drawn from its class or link. A partition between two
 * regions or datacenters swallows what crosses it: the caller waits (for its
 * timeout, if it has one).
 */
export class Router implements EventTarget {
  /** Region or datacenter pairs cut off from each other now (`a~b` both ways), by a partition fault. */
  private readonly partitions = new Set<string>();

  constructor(
    private readonly env: RouterEnv,
    readonly network: Network | null,
  ) {}

  /** A workload request leaves its clients for the entry service. */
  enter(root: RootRequest, service: Service, endpoint: Endpoint): void {
    const span = new Span(service, endpoint, null, root, root.measured);
    this.send(span, root.workload.location, service.locality);
  }

  /** Pick a replica and send the request there; with none up it fails at once (Unavailable). */
  send(span: Span, from: Location, locality: Locality, shm = false): void {
    const svc = span.service;
    // a sharded service (a shared cache's nodes): the key's owner; else the balancer's pick
    const replica = svc.shardKey !== null ? svc.pickShard(svc.shardKey(span), from) : svc.pick(from, locality);
    this.sendTo(span, replica, from, shm);
  }

  /** Send the request to a chosen replica (a fan-out's copy), or fail it at once (Unavailable) with none. */
  sendTo(span: Span, replica: Replica | null, from: Location, shm = false): void {
    const env = this.env;
    if (replica === null) {
      span.arrivalMs = env.sim.nowMs;
      span.outcome = Outcome.Unavailable;
      env.listener.spanRefused(span);
      this.respond(span);
      return;
    }
    if (span.parent === null) span.root.entry = replica;
    span.sentMs = env.sim.nowMs;
    // shared memory needs a replica on the same host group (datacenter); otherwise the call goes over TCP
    if (shm && replica.location === from) span.viaShm = true;
    if (this.network === null || span.viaShm) {
      if (!this.partitioned(from, replica.location)) replica.arrive(span);
      else env.listener.messageLost(span, from, replica.location); // the caller waits (for its timeout)
      return;
    }
    span.replica = replica;
    const delayMs = this.hop(from, replica.location, span.endpoint.requestBytes);
    if (delayMs >= 0) env.sim.schedule(delayMs, this, ARRIVE, span);
    else env.listener.messageLost(span, from, replica.location); // in a partition: the caller waits (for its timeout)
  }

  /** A span has its answer: hand it to its caller (after the hop back, with a network), or end the workload request. */
  respond(span: Span): void {
    if (span.replica !== null) {
      const to = span.parent !== null ? span.parent.replica!.location : span.root.workload.location;
      if (this.partitioned(span.replica.location, to)) {
        this.env.listener.messageLost(span, span.replica.location, to); // the answer is lost
        return;
      }
      if (this.network !== null && !span.viaShm) {
        const delayMs = this.hop(span.replica.location, to, span.endpoint.responseBytes);
        if (delayMs >= 0) this.env.sim.schedule(delayMs, this, RESPONSE, span);
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
    span.answeredMs = this.env.sim.nowMs;
    const replica = span.replica;
    if (span.service.outlier !== null && replica !== null && !span.rateLimited && span.outcome !== Outcome.Rejected)
      replica.observeOutcome(span.outcome !== Outcome.Ok);
    if (span.service.tracksLatency && replica !== null && span.outcome === Outcome.Ok)
      replica.latency.observe(this.env.sim.nowMs - span.sentMs, this.env.sim.nowMs);
    if (span.attempts !== null) {
      span.attempts.attemptDone(span); // a call's attempt, or fire-and-forget (NOBODY_WAITS)
      return;
    }
    const parent = span.parent;
    if (parent !== null) {
      parent.replica!.childDone(parent, span.outcome);
      return;
    }
    const root = span.root;
    root.outcome = span.outcome;
    root.endMs = this.env.sim.nowMs;
    this.env.listener.requestFinished(root);
    root.workload.finished(root);
  }

  /** Cut (or restore) every message between two regions or datacenters, `a~b`. */
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

  /** Account for a message between two locations and draw its delay; -1 when a partition swallows it. */
  private hop(from: Location, to: Location, bytes: number): number {
    if (this.partitioned(from, to)) return -1;
    const hopClass = hopClassOf(from, to);
    const network = this.network!;
    const lostBefore = network.retransmits;
    const delayMs = network.delayMs(from, to, hopClass, bytes);
    this.env.listener.hopSent(hopClass, from, to, bytes, network.retransmits - lostBefore);
    return delayMs;
  }
}
