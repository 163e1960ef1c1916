// Calls with a timeout or retries: attempts, backoff with jitter, retry budgets and adaptive token buckets.
import type { RandomStream } from '../engine/rng.js';
import type { EventTarget } from '../engine/simulation.js';
import type { BackoffSpec, BreakerSpec, Jitter, RetryOn, RetrySpec } from '../scenario/spec.js';
import type { Breaker } from './breaker.js';
import type { Call, Service } from './service.js';
import { Outcome, Span } from './span.js';
import type { World } from './world.js';

const TIMEOUT = 1;
const RETRY = 2;
const BUDGET_WINDOW_MS = 10_000;

/** What a retry policy calls the outcome of an attempt. */
function retryKind(outcome: Outcome): RetryOn {
  if (outcome === Outcome.Timeout) return 'timeout';
  if (outcome === Outcome.Rejected) return 'rejected';
  return 'error';
}

/** The delay before retry number `retry` (1 for the first), with jitter (AWS Architecture Blog, 2015). */
export function backoffMs(spec: BackoffSpec, jitter: Jitter, retry: number, previousMs: number, rng: RandomStream): number {
  if (spec.kind === 'constant') return jitter === 'none' ? spec.ms : jitter === 'equal' ? spec.ms / 2 + (rng.next() * spec.ms) / 2 : rng.next() * spec.ms;
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

  constructor(readonly index: number, readonly from: Service, readonly to: Service, private readonly retry: RetrySpec | null) {
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

/** The resilience policy of one call site, with its own random stream for jitter. */
export interface CallPolicy {
  readonly timeoutMs: number | null;
  readonly retry: RetrySpec | null;
  readonly breaker: BreakerSpec | null;
  readonly edge: Edge;
  readonly rng: RandomStream;
}

/**
 * One call made by a span, with a timeout and/or retries. Each attempt is a
 * child span. A timed-out attempt is abandoned: the callee keeps working on it
 * (wasted work, as in reality) and its late answer is dropped. The parent sees
 * one answer: the first success, or the last failure.
 */
export class CallAttempts implements EventTarget {
  private attempt = 0;
  private current: Span | null = null;
  private readonly breaker: Breaker | null;
  private timer = -1;
  private previousBackoffMs = 0;
  private done = false;

  constructor(
    private readonly world: World,
    private readonly parent: Span,
    private readonly call: Call,
    private readonly policy: CallPolicy,
  ) {
    this.breaker = policy.breaker === null ? null : world.breakerFor(parent.replica!, call, policy.breaker);
  }

  start(): void {
    this.policy.edge.noteRequest(this.world.sim.nowMs);
    this.send();
  }

  private send(): void {
    if (this.parent.outcome !== Outcome.Pending) {
      this.done = true; // the caller died meanwhile
      return;
    }
    this.attempt++;
    const span = new Span(this.call.service, this.call.endpoint, this.parent, this.parent.root, this.world.sim.nowMs >= this.world.warmupMs);
    span.attempts = this;
    span.retry = this.attempt > 1;
    if (this.breaker !== null) {
      const pass = this.breaker.allow();
      if (pass === false) {
        // open: fail fast, without touching the network
        this.world.listener.breakerRejected(this.policy.edge, span);
        this.finish(Outcome.BreakerOpen);
        return;
      }
      span.breakerPass = pass;
      span.sentMs = this.world.sim.nowMs;
    }
    this.current = span;
    if (this.policy.timeoutMs !== null) this.timer = this.world.sim.schedule(this.policy.timeoutMs, this, TIMEOUT, span);
    this.world.send(span, this.parent.replica!.location, this.call.locality, this.call.transport === 'shm');
  }

  /** An attempt answered (or failed to be delivered). */
  attemptDone(span: Span): void {
    if (this.done || span !== this.current) return; // abandoned after a timeout: the answer has nowhere to go
    if (this.timer >= 0) this.world.sim.cancel(this.timer);
    this.timer = -1;
    this.current = null;
    if (span.breakerPass !== null) this.breaker!.record(span.breakerPass, span.outcome !== Outcome.Ok, this.world.sim.nowMs - span.sentMs);
    if (span.outcome === Outcome.Ok) {
      this.policy.edge.noteSuccess();
      this.finish(Outcome.Ok);
    } else this.failed(span.outcome);
  }

  handleEvent(code: number, ref: unknown): void {
    if (this.done) return;
    if (code === TIMEOUT) {
      const span = ref as Span;
      if (span !== this.current) return;
      span.abandoned = true;
      this.current = null;
      this.timer = -1;
      if (span.breakerPass !== null) this.breaker!.record(span.breakerPass, true, this.world.sim.nowMs - span.sentMs);
      this.world.listener.callTimedOut(this.policy.edge, span);
      this.failed(Outcome.Timeout);
    } else if (code === RETRY) {
      this.send();
    }
  }

  private failed(outcome: Outcome): void {
    const r = this.policy.retry;
    if (this.parent.outcome !== Outcome.Pending) {
      this.done = true;
      return;
    }
    if (r !== null && this.attempt < r.attempts && r.on.includes(retryKind(outcome)) && this.policy.edge.allowRetry(this.world.sim.nowMs)) {
      const delay = backoffMs(r.backoff, r.jitter, this.attempt, this.previousBackoffMs || (r.backoff.kind === 'exponential' ? r.backoff.baseMs : r.backoff.ms), this.policy.rng);
      this.previousBackoffMs = delay;
      this.world.sim.schedule(delay, this, RETRY, null);
      return;
    }
    this.finish(outcome);
  }

  private finish(outcome: Outcome): void {
    this.done = true;
    this.parent.replica!.childDone(this.parent, outcome);
  }
}
