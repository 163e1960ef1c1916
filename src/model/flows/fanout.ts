// Repeated and scatter-gather calls: n copies of one call at once, to distinct replicas, and what the caller waits for (all, the first k, a fraction by a deadline).
import type { EventTarget, Simulation } from '../../engine/simulation.js';
import type { FanOutSpec, WaitSpec } from '../../scenario/sections/fanout.js';
import type { Call, Replica, Service } from '../service.js';
import { type AttemptOwner, CANCELLED, Outcome, Span } from '../span.js';

/** What a gather needs to hear of a call made under a policy (its CallAttempts reports its one answer here). */
export interface GatherOwner {
  answered(outcome: Outcome): void;
}

/** A copy of a fanned-out call: a plain child span, or a call under a policy (timeouts, retries, hedges). */
export interface CopyHandle {
  /** The caller no longer waits: its answer is dropped and, where it has not started yet, its work is skipped. */
  cancel(): void;
}

/** Makes one copy of a call to a chosen replica, its answer heard by `owner` (null: the parent, as any call). */
export interface CopyCaller {
  callTo(parent: Span, call: Call, target: Replica, owner: (AttemptOwner & GatherOwner) | null): Span | CopyHandle;
}

/** What a gather needs of the model: the clock and the warm-up (it counts measured requests only). */
export interface GatherEnv {
  readonly sim: Simulation;
}

/**
 * One fanned-out call site: its spec, and what its gathers did in measured
 * requests (the report's `fanouts`, by caller -> callee edge).
 */
export class FanOutSite {
  /** Fan-outs made (each with its copies). */
  gathers = 0;
  /** Copies sent. */
  copies = 0;
  /** Answered before every copy had (the first k of a quorum, or a fraction by the deadline). */
  partial = 0;
  /** Failed: too few successful answers for the wait (or, waiting for all, any failure). */
  failed = 0;
  /** Copies cancelled after the answer (cancelRest). */
  cancelled = 0;

  constructor(
    readonly spec: FanOutSpec,
    readonly from: Service,
    readonly to: Service,
  ) {}

  /** The replicas of this fan-out's copies, for a caller at its replica. */
  targets(caller: Replica, call: Call): Replica[] {
    return this.spec.each ? call.service.routable.slice() : call.service.spread(this.spec.count, caller.location, call.locality);
  }
}

const DEADLINE = 1;

/**
 * The answers of one fan-out with a wait: it reports to its parent once, with
 * Ok when enough copies succeeded, else the first failure. The copies left
 * when it answers go on (their answers dropped) or are cancelled (cancelRest).
 */
export class Gather implements AttemptOwner, GatherOwner, EventTarget {
  private readonly copies: (Span | CopyHandle)[] = [];
  private outstanding = 0;
  private ok = 0;
  private failure: Outcome = Outcome.Pending;
  private issuing = true;
  private done = false;
  private pastDeadline = false;
  private timer = -1;
  /** Successful answers needed: k, or the fraction of the copies (rounded up). */
  private needed = 0;

  constructor(
    private readonly env: GatherEnv,
    private readonly parent: Span,
    private readonly site: FanOutSite,
    private readonly wait: WaitSpec,
  ) {}

  /** Send the copies to their replicas through the caller, then wait. */
  issue(caller: CopyCaller, call: Call, targets: readonly Replica[]): void {
    const n = targets.length;
    this.outstanding = n;
    const w = this.wait;
    this.needed = w.kind === 'first' ? w.first : Math.ceil(w.fraction * n - 1e-9);
    const measured = this.parent.root.measured;
    if (measured) {
      this.site.gathers++;
      this.site.copies += n;
    }
    for (let i = 0; i < n; i++) {
      this.copies.push(caller.callTo(this.parent, call, targets[i], this));
      if (this.parent.outcome !== Outcome.Pending) return; // the caller's replica was killed meanwhile
    }
    this.issuing = false;
    if (w.kind === 'fraction' && !this.done) this.timer = this.env.sim.schedule(w.withinMs, this, DEADLINE, null);
    this.check();
  }

  /** A plain copy answered (AttemptOwner). */
  attemptDone(span: Span): void {
    span.attempts = null; // answered: nothing left to cancel
    this.answered(span.outcome);
  }

  /** A copy answered: its span, or its call's attempts in the end. */
  answered(outcome: Outcome): void {
    if (this.done) return;
    this.outstanding--;
    if (outcome === Outcome.Ok) this.ok++;
    else if (this.failure === Outcome.Pending) this.failure = outcome;
    if (!this.issuing) this.check();
  }

  handleEvent(code: number): void {
    if (code !== DEADLINE || this.done) return;
    this.timer = -1;
    this.pastDeadline = true;
    this.check();
  }

  private check(): void {
    if (this.done) return;
    const needed = this.needed;
    if (this.ok >= needed && (this.outstanding === 0 || this.wait.kind === 'first' || this.pastDeadline)) {
      this.end(Outcome.Ok, this.outstanding > 0);
      return;
    }
    if (this.ok + this.outstanding < needed) this.end(this.failure === Outcome.Pending ? Outcome.Unavailable : this.failure, false);
  }

  private end(outcome: Outcome, partial: boolean): void {
    this.done = true;
    if (this.timer >= 0) this.env.sim.cancel(this.timer);
    const site = this.site;
    const measured = this.parent.root.measured;
    if (measured) {
      if (outcome !== Outcome.Ok) site.failed++;
      else if (partial) site.partial++;
    }
    if (this.outstanding > 0) {
      const cancel = this.wait.cancelRest;
      for (const c of this.copies) {
        if (c instanceof Span) {
          if (c.attempts !== this) continue; // answered already
          c.abandoned = true; // the caller no longer waits: work from now on is wasted
          c.attempts = cancel ? CANCELLED : DROPPED;
        } else if (cancel) c.cancel();
        if (cancel && measured) site.cancelled++;
      }
    }
    const parent = this.parent;
    parent.replica!.childDone(parent, outcome);
  }
}

/** The owner of a copy left running after its gather answered: its answer is dropped. */
const DROPPED: AttemptOwner = { attemptDone() {} };

/**
 * Issue a fanned-out call of a step for `span`: its copies to distinct
 * replicas. Without a wait each copy is one of the step's pending calls (the
 * step waits for all, as for calls written out one by one); with one, a gather
 * stands for them all.
 */
export function fanOut(env: GatherEnv, caller: CopyCaller & { call(parent: Span, call: Call): void }, span: Span, call: Call): void {
  const site = call.fanout!;
  const targets = site.targets(span.replica!, call);
  if (targets.length === 0) {
    caller.call(span, call); // none up: one copy, refused (Unavailable)
    return;
  }
  const wait = site.spec.wait;
  if (wait === null) {
    if (span.root.measured) {
      site.gathers++;
      site.copies += targets.length;
    }
    span.pending += targets.length - 1;
    for (let i = 0; i < targets.length; i++) {
      caller.callTo(span, call, targets[i], null);
      if (span.outcome !== Outcome.Pending) return;
    }
    return;
  }
  new Gather(env, span, site, wait).issue(caller, call, targets);
}
