// Request traces: a model listener that keeps sampled requests and the N slowest (a bounded heap), each with its spans' time split.
import type { Edge } from '../../model/resilience.js';
import type { Location } from '../../model/network.js';
import type { World } from '../../model/world.js';
import { OUTCOME_NAMES, Outcome, type RootRequest, type Span } from '../../model/span.js';
import type { Collector } from '../feature.js';

/** One span of a traced request: a visit to a service (or a call that never reached one), times in simulated ms. */
export interface TraceSpan {
  /** Position in the trace (creation order); the root span is 0. */
  readonly index: number;
  /** Index of the caller's span, or -1 for the root span (its caller is the workload's clients). */
  readonly parent: number;
  readonly service: string;
  readonly endpoint: string;
  /** `service#index`, or null when it reached no replica (none up, a breaker refused it). */
  readonly replica: string | null;
  readonly replicaIndex: number;
  /** `region/datacenter` of its replica, or null. */
  readonly location: string | null;
  /** The caller sent it; it reached its replica; got a slot; ended there; its answer reached the caller. */
  readonly sentMs: number;
  readonly arrivalMs: number;
  readonly startMs: number;
  readonly endMs: number;
  readonly answeredMs: number;
  /** The time split: the request's hop, the queue for a slot, waiting for a core, CPU, the rest of its time in the slot (waiting on its calls, injected latency, pauses), the answer's hop. */
  readonly requestHopMs: number;
  readonly slotQueueMs: number;
  readonly coreWaitMs: number;
  readonly cpuMs: number;
  readonly callsWaitMs: number;
  readonly responseHopMs: number;
  /** ok, error, rejected, unavailable, timeout, breaker-open; `pending` when it was still running as the request ended. */
  readonly outcome: string;
  /** Why it failed: rate-limited, queue-full, no-replica, killed, timed-out, breaker-open, lost-request, lost-answer, or null. */
  readonly errorKind: string | null;
  readonly retry: boolean;
  readonly hedge: boolean;
  /** Its caller gave up on it (timeout) or never waited (a fire-and-forget cache fill). */
  readonly abandoned: boolean;
  /** It never reached a replica (refused at the door, by a breaker, or lost on the way). */
  readonly reached: boolean;
}

/** A traced workload request. */
export interface Trace {
  /** The request's number in the run (0 first), which also makes its trace id. */
  readonly seq: number;
  readonly workload: string;
  /** The clients' location. */
  readonly location: string;
  readonly intendedMs: number;
  readonly endMs: number;
  readonly latencyMs: number;
  readonly outcome: string;
  /** Why it was kept: sampled, one of the slowest, or both. */
  readonly kept: 'sampled' | 'slowest' | 'sampled+slowest';
  readonly spans: readonly TraceSpan[];
}

export interface TraceOptions {
  /** Fraction of measured requests kept (0 to 1); default 0.01. */
  sample?: number;
  /** Keep the N slowest measured requests as well (a bounded heap); default 0. */
  slowest?: number;
}

/** What the collector keeps of a request while it runs: its spans, their end times and flags. */
class Pending {
  readonly spans: Span[] = [];
  readonly endsMs: number[] = [];
  readonly flags: number[] = [];
  constructor(
    readonly seq: number,
    readonly sampled: boolean,
  ) {}

  indexOf(span: Span): number {
    const spans = this.spans;
    for (let i = spans.length - 1; i >= 0; i--) if (spans[i] === span) return i;
    return -1;
  }

  add(span: Span, endMs: number, flag: number): void {
    const i = this.indexOf(span);
    if (i >= 0) {
      this.flags[i] |= flag;
      return;
    }
    this.spans.push(span);
    this.endsMs.push(endMs);
    this.flags.push(flag);
  }
}

const TIMED_OUT = 1;
const BREAKER = 2;
const LOST_REQUEST = 4;
const LOST_ANSWER = 8;
const REFUSED = 16;
const ARRIVED = 32;

/** A fixed 32-bit mix of a request number: the sampling decision, independent of every random stream of the model. */
function sampleHash(seq: number): number {
  let h = (seq + 0x6d2b79f5) | 0;
  h = Math.imul(h ^ (h >>> 15), h | 1);
  h ^= h + Math.imul(h ^ (h >>> 7), h | 61);
  return ((h ^ (h >>> 14)) >>> 0) / 4294967296;
}

/**
 * Keeps traces of a run: every measured request with probability `sample`
 * (decided from its number, so the model's random streams are untouched), and
 * the `slowest` N measured requests in a bounded min-heap (memory stays flat:
 * a request's spans are dropped when it ends unless it is kept). Register it
 * as a model listener (RunOptions.listeners); it costs the run nothing when
 * not registered.
 */
export class TraceCollector implements Collector {
  readonly sampleFraction: number;
  readonly slowestN: number;
  private seq = 0;
  private readonly sampled: Trace[] = [];
  /** The slowest so far: a min-heap on (latency, then the later request first), at most slowestN. */
  private readonly heap: Trace[] = [];
  /** The most recent trace kept or seen among the slowest (for the dashboard's export). */
  slowestRecent: Trace | null = null;

  constructor(
    private readonly world: World,
    options: TraceOptions = {},
  ) {
    this.sampleFraction = options.sample ?? 0.01;
    this.slowestN = options.slowest ?? 0;
  }

  requestStarted(req: RootRequest): void {
    const seq = this.seq++;
    if (!req.measured) return;
    const sampled = this.sampleFraction > 0 && sampleHash(seq) < this.sampleFraction;
    if (sampled || this.slowestN > 0) req.observed = new Pending(seq, sampled);
  }

  spanArrived(span: Span): void {
    const p = span.root.observed;
    if (p instanceof Pending) p.add(span, -1, ARRIVED);
  }

  spanRefused(span: Span): void {
    const p = span.root.observed;
    if (p instanceof Pending) p.add(span, this.world.sim.nowMs, REFUSED);
  }

  spanFinished(span: Span): void {
    const p = span.root.observed;
    if (!(p instanceof Pending)) return;
    const i = p.indexOf(span);
    if (i >= 0) p.endsMs[i] = this.world.sim.nowMs;
  }

  breakerRejected(_edge: Edge, span: Span): void {
    const p = span.root.observed;
    if (p instanceof Pending) p.add(span, this.world.sim.nowMs, BREAKER);
  }

  callTimedOut(_edge: Edge, span: Span): void {
    const p = span.root.observed;
    if (p instanceof Pending) p.add(span, -1, TIMED_OUT);
  }

  messageLost(span: Span, _from: Location, _to: Location): void {
    const p = span.root.observed;
    if (p instanceof Pending) p.add(span, -1, p.indexOf(span) >= 0 && span.outcome !== Outcome.Pending ? LOST_ANSWER : LOST_REQUEST);
  }

  requestFinished(req: RootRequest): void {
    const p = req.observed;
    if (!(p instanceof Pending)) return;
    req.observed = null;
    const latencyMs = req.endMs - req.intendedMs;
    const heap = this.heap;
    const slowest = this.slowestN > 0 && (heap.length < this.slowestN || slower(latencyMs, p.seq, heap[0]));
    if (!p.sampled && !slowest) return;
    const trace = buildTrace(p, req, latencyMs, p.sampled ? (slowest ? 'sampled+slowest' : 'sampled') : 'slowest');
    if (p.sampled) this.sampled.push(trace);
    if (slowest) {
      this.slowestRecent = trace;
      if (heap.length < this.slowestN) heapPush(heap, trace);
      else heapReplaceTop(heap, trace);
    }
  }

  /** The traces kept, by request number: the sampled ones and the slowest. */
  traces(): Trace[] {
    const bySeq = new Map<number, Trace>();
    for (const t of this.sampled) bySeq.set(t.seq, { ...t, kept: 'sampled' });
    for (const t of this.heap) bySeq.set(t.seq, { ...t, kept: bySeq.has(t.seq) ? 'sampled+slowest' : 'slowest' });
    return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  }

  /** The slowest request kept so far, or null. */
  slowestTrace(): Trace | null {
    let best: Trace | null = null;
    for (const t of [...this.heap, ...this.sampled]) if (best === null || slower(t.latencyMs, t.seq, best)) best = t;
    return best;
  }
}

/** Is a request (latency, number) slower than a kept trace? Ties: the earlier request counts as slower (it was kept first). */
function slower(latencyMs: number, seq: number, than: Trace): boolean {
  return latencyMs > than.latencyMs || (latencyMs === than.latencyMs && seq < than.seq);
}

const before = (a: Trace, b: Trace): boolean => slower(b.latencyMs, b.seq, a);

function heapPush(h: Trace[], t: Trace): void {
  h.push(t);
  let i = h.length - 1;
  while (i > 0) {
    const up = (i - 1) >> 1;
    if (!before(h[i], h[up])) break;
    [h[i], h[up]] = [h[up], h[i]];
    i = up;
  }
}

function heapReplaceTop(h: Trace[], t: Trace): void {
  h[0] = t;
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let m = i;
    if (l < h.length && before(h[l], h[m])) m = l;
    if (r < h.length && before(h[r], h[m])) m = r;
    if (m === i) return;
    [h[i], h[m]] = [h[m], h[i]];
    i = m;
  }
}

/** Why a span failed, from its outcome and what the collector saw. */
function errorKind(span: Span, flags: number, reached: boolean): string | null {
  if (flags & BREAKER) return 'breaker-open';
  if (flags & LOST_REQUEST) return 'lost-request';
  if (flags & LOST_ANSWER) return 'lost-answer';
  if (flags & TIMED_OUT) return 'timed-out';
  switch (span.outcome) {
    case Outcome.Error:
      return span.childFailure !== Outcome.Pending ? `call-${OUTCOME_NAMES[span.childFailure]}` : 'error';
    case Outcome.Rejected:
      return span.rateLimited ? 'rate-limited' : 'queue-full';
    case Outcome.Unavailable:
      return reached ? 'killed' : 'no-replica';
    case Outcome.Timeout:
      return 'timed-out';
    case Outcome.BreakerOpen:
      return 'breaker-open';
    default:
      return null;
  }
}

function buildTrace(p: Pending, req: RootRequest, latencyMs: number, kept: Trace['kept']): Trace {
  const spans: TraceSpan[] = [];
  const endOfRequest = req.endMs;
  for (let i = 0; i < p.spans.length; i++) {
    const s = p.spans[i];
    const flags = p.flags[i];
    const reached = (flags & ARRIVED) !== 0;
    const finished = p.endsMs[i] >= 0;
    // a span refused before it was sent (no replica up, a breaker) has no send time of its own
    const sentMs = reached || s.sentMs > 0 ? s.sentMs : finished ? p.endsMs[i] : s.parent === null ? req.intendedMs : s.parent.startMs;
    const arrivalMs = reached ? s.arrivalMs : finished ? p.endsMs[i] : sentMs;
    const endMs = finished ? p.endsMs[i] : Math.max(arrivalMs, endOfRequest);
    const startMs = reached && s.startMs >= arrivalMs ? Math.min(s.startMs, endMs) : endMs;
    const answered = s.answeredMs >= endMs && finished;
    const answeredMs = answered ? s.answeredMs : endMs;
    const inSlotMs = Math.max(0, endMs - startMs);
    const coreWaitMs = reached ? Math.min(s.coreWaitMs, inSlotMs) : 0;
    const cpuMs = reached ? Math.min(s.cpuMs, Math.max(0, inSlotMs - coreWaitMs)) : 0;
    spans.push({
      index: i,
      parent: s.parent === null ? -1 : p.indexOf(s.parent),
      service: s.service.name,
      endpoint: s.endpoint.name,
      replica: s.replica === null || !reached ? null : s.replica.id,
      replicaIndex: s.replica === null || !reached ? -1 : s.replica.index,
      location: s.replica === null || !reached ? null : s.replica.location.id,
      sentMs,
      arrivalMs,
      startMs,
      endMs,
      answeredMs,
      requestHopMs: Math.max(0, arrivalMs - sentMs),
      slotQueueMs: Math.max(0, startMs - arrivalMs),
      coreWaitMs,
      cpuMs,
      callsWaitMs: Math.max(0, inSlotMs - coreWaitMs - cpuMs),
      responseHopMs: Math.max(0, answeredMs - endMs),
      outcome:
        finished || !reached
          ? OUTCOME_NAMES[s.outcome === Outcome.Pending && (flags & BREAKER) !== 0 ? Outcome.BreakerOpen : s.outcome]
          : 'pending',
      errorKind: errorKind(s, flags, reached),
      retry: s.retry,
      hedge: s.hedge,
      abandoned: s.abandoned || (flags & TIMED_OUT) !== 0 || (s.attempts !== null && !finished),
      reached,
    });
  }
  return {
    seq: p.seq,
    workload: req.workload.name,
    location: req.workload.location.id,
    intendedMs: req.intendedMs,
    endMs: req.endMs,
    latencyMs,
    outcome: OUTCOME_NAMES[req.outcome],
    kept,
    spans,
  };
}
