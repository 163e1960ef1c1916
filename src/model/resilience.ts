// Calls with a timeout or retries: attempts, backoff with jitter, retry budgets and adaptive token buckets.
import type { Sampler } from '../engine/distributions.js';
import { RecentWindow, nearestRank } from '../engine/recent-window.js';
import { RingQueue } from '../engine/ring-queue.js';
import type { RandomStream } from '../engine/rng.js';
import type { EventTarget, Simulation } from '../engine/simulation.js';
import type { BackoffSpec, BreakerSpec, HedgeSpec, Jitter, Locality, RetryOn, RetrySpec } from '../scenario/spec.js';
import { Breaker, type BreakerEnv } from './breaker.js';
import type { Location } from './network.js';
import type { Call, Replica, Service } from './service.js';
import { CANCELLED, Outcome, Span } from './span.js';

/** What calls with a resilience policy tell the model's observers. */
export interface ResilienceEvents {
  /** The caller gave up waiting for an attempt on `edge` (the attempt goes on at the callee). */
  callTimedOut(edge: Edge, attempt: Span): void;
  /** A circuit breaker refused to send an attempt on `edge` (it was open, or out of half-open probes). */
  breakerRejected(edge: Edge, attempt: Span): void;
  /** On `edge`: a bulkhead turned a call away, or a fallback answered for a failed call. */
  callEvent(edge: Edge, kind: 'bulkheadRejected' | 'fallback', caller: Span): void;
}

/** What a call with a policy needs: the clock, observers, the warm-up, the router to send attempts, the replicas' gear. */
export interface CallEnv {
  readonly sim: Simulation;
  readonly listener: ResilienceEvents;
  readonly warmupMs: number;
  readonly router: {
    send(span: Span, from: Location, locality: Locality, shm?: boolean): void;
    sendTo(span: Span, replica: Replica | null, from: Location, shm?: boolean): void;
  };
  readonly gear: CallGear;
}

const TIMEOUT = 1;
const RETRY = 2;
const HEDGE = 3;
const FALLBACK_DONE = 4;
const RECENT = 1024;
const BUDGET_WINDOW_MS = 10_000;

/** What a retry policy calls the outcome of an attempt. */
function retryKind(outcome: Outcome): RetryOn {
  if (outcome === Outcome.Timeout) return 'timeout';
  if (outcome === Outcome.Rejected) return 'rejected';
  return 'error';
}

/** The delay before retry number `retry` (1 for the first), with jitter (AWS Architecture Blog, 2015). */
export function backoffMs(spec: BackoffSpec, jitter: Jitter, retry: number, previousMs: number, rng: RandomStream): number {
  if (spec.kind === 'constant')
    return jitter === 'none' ? spec.ms : jitter === 'equal' ? spec.ms / 2 + (rng.next() * spec.ms) / 2 : rng.next() * spec.ms;
  const t = Math.min(spec.capMs, spec.baseMs * 2 ** (retry - 1));
  switch (jitter) {
    case 'none':
      return t;
    case 'full':
      return rng.next() * t;
    case 'equal':
      return t / 2 + (rng.next() * t) / 2;
    case 'decorrelated': {
      const hi = Math.max(spec.baseMs, 3 * previousMs);
      return Math.min(spec.capMs, spec.baseMs + rng.next() * (hi - spec.baseMs));
    }
  }
}

/**
 * A caller service calling a callee service: the unit of retry budgets and
 * adaptive token buckets (shared by all replicas of the caller), and of the
 * report's `edges`.
 */
export class Edge {
  private requests = 0;
  private retries = 0;
  private stampMs = 0;
  tokens: number;

  constructor(
    readonly index: number,
    readonly from: Service,
    readonly to: Service,
    private readonly retry: RetrySpec | null,
  ) {
    this.tokens = retry?.adaptive?.capacity ?? 0;
  }

  get name(): string {
    return `${this.from.name}->${this.to.name}`;
  }

  /** Request and retry counts decay over the budget window (a sliding-window estimate). */
  private decay(nowMs: number): void {
    const f = Math.exp(-(nowMs - this.stampMs) / BUDGET_WINDOW_MS);
    this.requests *= f;
    this.retries *= f;
    this.stampMs = nowMs;
  }

  noteRequest(nowMs: number): void {
    if (this.retry?.budget) {
      this.decay(nowMs);
      this.requests++;
    }
  }

  noteSuccess(): void {
    const a = this.retry?.adaptive;
    if (a) this.tokens = Math.min(a.capacity, this.tokens + a.tokensPerSuccess);
  }

  /** May one more retry go out now? Takes it from the budget and the bucket when it may. */
  allowRetry(nowMs: number): boolean {
    const r = this.retry;
    if (r?.budget) {
      this.decay(nowMs);
      if (this.retries + 1 > r.budget.ratio * this.requests + (r.budget.minPerSec * BUDGET_WINDOW_MS) / 1000) return false;
    }
    if (r?.adaptive) {
      if (this.tokens < 1) return false;
      this.tokens -= 1;
    }
    if (r?.budget) this.retries++;
    return true;
  }
}

/** When to hedge a call site's attempts: a fixed delay, or a percentile of its recent latencies (recomputed every 64 answers). */
export class HedgeDelay {
  private readonly recent = new RecentWindow(RECENT);
  private cachedMs: number;
  constructor(readonly spec: HedgeSpec) {
    this.cachedMs = spec.afterMs ?? Infinity; // no hedging until there is history
  }
  observe(latencyMs: number): void {
    this.recent.record(latencyMs);
    if (this.spec.afterPercentile !== null && (this.recent.count & 63) === 0)
      this.cachedMs = nearestRank(this.recent.sorted(), this.spec.afterPercentile / 100);
  }
  get afterMs(): number {
    return this.cachedMs;
  }
}

/** A bulkhead: calls in flight from one calling replica through one call site, and the ones waiting to go. */
export class Bulkhead {
  inFlight = 0;
  readonly waiting = new RingQueue<CallAttempts>();
  constructor(
    readonly maxConcurrent: number,
    readonly queue: number,
  ) {}
}

/** The resilience policy of one call site, with its own random stream for jitter. */
export interface CallPolicy {
  readonly timeoutMs: number | null;
  readonly retry: RetrySpec | null;
  readonly breaker: BreakerSpec | null;
  readonly hedge: HedgeDelay | null;
  readonly fallback: Sampler | null;
  readonly bulkhead: { readonly maxConcurrent: number; readonly queue: number } | null;
  readonly edge: Edge;
  readonly rng: RandomStream;
  /** With a breaker or a bulkhead: its index in the calling replica's breakers and bulkheads (else -1). */
  readonly site: number;
}

/**
 * One call made by a span, with a timeout and/or retries. Each attempt is a
 * child span. A timed-out attempt is abandoned: the callee keeps working on it
 * (wasted work, as in reality) and its late answer is dropped. The parent sees
 * one answer: the first success, or the last failure.
 */
export class CallAttempts implements EventTarget {
  private attempt = 0;
  /** The copies of the current attempt still awaited (more than one once hedged). */
  private current: Span[] = [];
  private hedges = 0;
  private readonly breaker: Breaker | null;
  private timer = -1;
  private previousBackoffMs = 0;
  private done = false;
  /** A fan-out's copy: the replica its first attempt goes to (null: the balancer's pick). */
  target: Replica | null = null;
  /** A fan-out's gather, which hears the call's one answer instead of the parent (null: the parent). */
  owner: { answered(outcome: Outcome): void } | null = null;

  constructor(
    private readonly env: CallEnv,
    private readonly parent: Span,
    private readonly call: Call,
    private readonly policy: CallPolicy,
  ) {
    this.breaker = policy.breaker === null ? null : env.gear.breakerOf(parent.replica!, policy.site);
  }

  private bulkhead: Bulkhead | null = null;

  start(): void {
    this.policy.edge.noteRequest(this.env.sim.nowMs);
    const spec = this.policy.bulkhead;
    if (spec !== null) {
      const b = (this.bulkhead = this.env.gear.bulkheadOf(this.parent.replica!, this.policy.site));
      if (b.inFlight >= b.maxConcurrent) {
        if (b.waiting.length >= b.queue) {
          this.env.listener.callEvent(this.policy.edge, 'bulkheadRejected', this.parent);
          this.bulkhead = null;
          this.finish(Outcome.Rejected);
          return;
        }
        b.waiting.push(this);
        this.queued = true;
        return;
      }
      b.inFlight++;
    }
    this.send();
  }

  /** A place in the bulkhead opened for this waiting call (cancelled meanwhile: it passes the place on). */
  resume(): void {
    this.queued = false;
    if (this.done) {
      const b = this.bulkhead!;
      this.bulkhead = null;
      this.releasePlace(b);
      return;
    }
    this.send();
  }

  private releasePlace(b: Bulkhead): void {
    const next = b.waiting.shift();
    if (next !== undefined) next.resume();
    else b.inFlight--;
  }

  /** Waiting in its bulkhead's queue for a place. */
  private queued = false;

  private send(): void {
    if (this.parent.outcome !== Outcome.Pending) {
      this.done = true; // the caller died meanwhile
      return;
    }
    this.attempt++;
    const span = this.newAttemptSpan(this.attempt > 1);
    if (this.breaker !== null) {
      const pass = this.breaker.allow();
      if (pass === false) {
        // open: fail fast, without touching the network
        this.env.listener.breakerRejected(this.policy.edge, span);
        this.finish(Outcome.BreakerOpen);
        return;
      }
      span.breakerPass = pass;
    }
    span.sentMs = this.env.sim.nowMs;
    this.current = [span];
    this.hedges = 0;
    if (this.policy.timeoutMs !== null) this.timer = this.env.sim.schedule(this.policy.timeoutMs, this, TIMEOUT, span);
    const target = this.target;
    if (target !== null) {
      this.target = null; // retries and hedges go where the balancer sends them
      this.env.router.sendTo(span, target, this.parent.replica!.location, this.call.transport === 'shm');
    } else this.env.router.send(span, this.parent.replica!.location, this.call.locality, this.call.transport === 'shm');
    // after the send: an answer due at the same instant comes first (FIFO ties), so only a late one is hedged
    if (this.current[0] === span) this.scheduleHedge(span);
  }

  private newAttemptSpan(retry: boolean): Span {
    const span = new Span(this.call.service, this.call.endpoint, this.parent, this.parent.root, this.env.sim.nowMs >= this.env.warmupMs);
    span.attempts = this;
    span.retry = retry;
    return span;
  }

  private scheduleHedge(span: Span): void {
    const h = this.policy.hedge;
    if (h !== null && this.hedges < h.spec.max && h.afterMs < Infinity) this.env.sim.schedule(h.afterMs, this, HEDGE, span);
  }

  /** Send another copy of the current attempt (no answer yet after the hedge delay). */
  private hedge(): void {
    this.hedges++;
    const copy = this.newAttemptSpan(this.current[0].retry);
    copy.hedge = true;
    copy.sentMs = this.env.sim.nowMs;
    this.current.push(copy);
    this.env.router.send(copy, this.parent.replica!.location, this.call.locality, this.call.transport === 'shm');
    if (this.current.includes(copy)) this.scheduleHedge(copy);
  }

  /** A copy of the current attempt answered (or failed to be delivered). */
  attemptDone(span: Span): void {
    const i = this.current.indexOf(span);
    if (this.done || i < 0) return; // abandoned after a timeout or a faster copy: the answer has nowhere to go
    if (span.breakerPass !== null) this.breaker!.record(span.breakerPass, span.outcome !== Outcome.Ok, this.env.sim.nowMs - span.sentMs);
    this.current.splice(i, 1);
    if (span.outcome === Outcome.Ok) {
      this.policy.hedge?.observe(this.env.sim.nowMs - span.sentMs);
      this.abandonCopies();
      this.policy.edge.noteSuccess();
      this.finish(Outcome.Ok);
      return;
    }
    if (this.current.length > 0) return; // another copy may still succeed
    this.stopTimer();
    this.failed(span.outcome);
  }

  private stopTimer(): void {
    if (this.timer >= 0) this.env.sim.cancel(this.timer);
    this.timer = -1;
  }

  /** The other copies lose: their callers stop waiting (their work goes on, wasted). */
  private abandonCopies(): void {
    this.stopTimer();
    for (const c of this.current) c.abandoned = true;
    this.current = [];
  }

  handleEvent(code: number, ref: unknown): void {
    if (code === FALLBACK_DONE) {
      this.answer(Outcome.Ok);
      return;
    }
    if (this.done) return;
    if (code === TIMEOUT) {
      const span = ref as Span;
      if (!this.current.includes(span)) return;
      this.timer = -1;
      for (const c of this.current) if (c.breakerPass !== null) this.breaker!.record(c.breakerPass, true, this.env.sim.nowMs - c.sentMs);
      this.abandonCopies();
      this.env.listener.callTimedOut(this.policy.edge, span);
      this.failed(Outcome.Timeout);
    } else if (code === RETRY) {
      this.send();
    } else if (code === HEDGE) {
      const span = ref as Span;
      if (this.current.includes(span) && this.current[this.current.length - 1] === span) this.hedge();
    }
  }

  private failed(outcome: Outcome): void {
    const r = this.policy.retry;
    if (this.parent.outcome !== Outcome.Pending) {
      this.done = true;
      return;
    }
    if (r !== null && this.attempt < r.attempts && r.on.includes(retryKind(outcome)) && this.policy.edge.allowRetry(this.env.sim.nowMs)) {
      const delay = backoffMs(
        r.backoff,
        r.jitter,
        this.attempt,
        this.previousBackoffMs || (r.backoff.kind === 'exponential' ? r.backoff.baseMs : r.backoff.ms),
        this.policy.rng,
      );
      this.previousBackoffMs = delay;
      this.env.sim.schedule(delay, this, RETRY, null);
      return;
    }
    this.finish(outcome);
  }

  private finish(outcome: Outcome): void {
    this.done = true;
    const b = this.bulkhead;
    if (b !== null) {
      this.bulkhead = null;
      const next = b.waiting.shift();
      if (next !== undefined) next.resume();
      else b.inFlight--;
    }
    if (outcome !== Outcome.Ok && this.policy.fallback !== null && this.parent.outcome === Outcome.Pending) {
      // a degraded answer instead of the failure
      this.env.listener.callEvent(this.policy.edge, 'fallback', this.parent);
      this.env.sim.schedule(this.policy.fallback.sample(), this, FALLBACK_DONE, null);
      return;
    }
    this.answer(outcome);
  }

  /** The call's one answer: to its parent, or to the fan-out's gather that owns it. */
  private answer(outcome: Outcome): void {
    if (this.owner !== null) this.owner.answered(outcome);
    else this.parent.replica!.childDone(this.parent, outcome);
  }

  /** A fan-out's gather answered without this copy (cancelRest): stop it; its copies in flight are cancelled. */
  cancel(): void {
    if (this.done) return;
    for (const c of this.current) c.attempts = CANCELLED;
    this.abandonCopies();
    this.done = true;
    const b = this.bulkhead;
    // still waiting for a place, it stays queued and passes the place on when it gets it (resume)
    if (b !== null && !this.queued) {
      this.bulkhead = null;
      this.releasePlace(b);
    }
  }
}

/**
 * The breakers and bulkheads of calling replicas, by call site (a call's
 * policy.site), built once: when the model is assembled and when a replica is
 * added, so no name is built per call. A bulkhead is the replica's own; a
 * breaker is its own (scope: replica) or its service's (scope: service), and one
 * per callee: call sites calling the same service share it (the first one's
 * settings make it).
 */
export class CallGear {
  /** Circuit breakers by name (`caller->callee`, the caller a replica id or a service), in the order they were made. */
  readonly breakers = new Map<string, Breaker>();
  /** By replica uid, by call site. */
  private readonly breakerTable: (Breaker | null)[][] = [];
  private readonly bulkheadTable: (Bulkhead | null)[][] = [];
  /** Services whose breakers are switched off (a what-if). */
  private readonly disabled = new Set<Service>();

  constructor(
    private readonly env: BreakerEnv,
    /** By service index: its calls with a breaker or a bulkhead (call sites), in order. */
    private readonly sites: readonly (readonly Call[])[],
  ) {}

  equip(replica: Replica): void {
    const breakers: (Breaker | null)[] = [];
    const bulkheads: (Bulkhead | null)[] = [];
    for (const call of this.sites[replica.service.index]) {
      const p = call.policy as CallPolicy;
      bulkheads.push(p.bulkhead === null ? null : new Bulkhead(p.bulkhead.maxConcurrent, p.bulkhead.queue));
      breakers.push(p.breaker === null ? null : this.breaker(replica, call, p.breaker));
    }
    this.breakerTable[replica.uid] = breakers;
    this.bulkheadTable[replica.uid] = bulkheads;
  }

  breakerOf(replica: Replica, site: number): Breaker {
    return this.breakerTable[replica.uid][site]!;
  }

  bulkheadOf(replica: Replica, site: number): Bulkhead {
    return this.bulkheadTable[replica.uid][site]!;
  }

  /** Does the service make calls with breakers? */
  hasBreakers(service: Service): boolean {
    return this.sites[service.index].some((c) => (c.policy as CallPolicy).breaker !== null);
  }

  breakersDisabled(service: Service): boolean {
    return this.disabled.has(service);
  }

  /** Switch a service's breakers off (every call goes through) or back on. */
  setBreakersDisabled(service: Service, disabled: boolean): void {
    if (disabled) this.disabled.add(service);
    else this.disabled.delete(service);
    for (const b of this.breakers.values()) if (b.caller === service) b.disabled = disabled;
  }

  private breaker(caller: Replica, call: Call, spec: BreakerSpec): Breaker {
    const owner = spec.scope === 'service' ? caller.service.name : caller.id;
    const name = `${owner}->${call.service.name}`;
    let b = this.breakers.get(name);
    if (!b) {
      b = new Breaker(name, caller.service, spec, this.env);
      b.disabled = this.disabled.has(caller.service);
      this.breakers.set(name, b);
    }
    return b;
  }
}
