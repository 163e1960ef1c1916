// One request's visit to one service (a span), and how it ended.
import type { Location } from './network.js';
// the model's one pair of modules that name each other, by type only: a span is at a replica, a replica holds spans
import type { Endpoint, Replica, Service } from './service.js';

/** How a span ended. Numbers, so the hot path compares integers. */
export const Outcome = {
  /** Still in progress. */
  Pending: 0,
  Ok: 1,
  /** The endpoint (or a call it made) failed. */
  Error: 2,
  /** A full queue turned the request away (here or downstream). */
  Rejected: 3,
  /** No replica was up to take it, or its replica was killed under it. */
  Unavailable: 4,
  /** The caller stopped waiting for it. */
  Timeout: 5,
  /** A circuit breaker refused to send it. */
  BreakerOpen: 6,
} as const;
export type Outcome = (typeof Outcome)[keyof typeof Outcome];

export const OUTCOME_NAMES = ['pending', 'ok', 'error', 'rejected', 'unavailable', 'timeout', 'breaker-open'] as const;

/** Who hears a span's answer instead of its parent: the call it is an attempt of (timeout, retries, hedges), or nobody. */
export interface AttemptOwner {
  attemptDone(span: Span): void;
}

/** The owner of a fire-and-forget span (a cache fill or write, a background refresh): nobody waits for its answer. */
export const NOBODY_WAITS: AttemptOwner = { attemptDone() {} };

/** The owner of a span whose caller cancelled it (a fan-out's copy past its quorum): its answer is dropped, and it does no work it has not started. */
export const CANCELLED: AttemptOwner = { attemptDone() {} };

/** What a workload request needs of its workload: where its clients are, and to hear that it ended. */
export interface WorkloadRef {
  readonly index: number;
  readonly name: string;
  readonly location: Location;
  finished(root: RootRequest): void;
}

/**
 * A request at one service. The root span of a workload request has no parent;
 * each call creates a child span, and the parent waits for the children of the
 * current step. Plain fields only: the engine passes spans as event references.
 */
export class Span {
  replica: Replica | null = null;
  /** When the caller sent it (ms): the caller sees latency from here to the answer, network included. */
  sentMs = 0;
  /** When the span reached its service (ms). */
  arrivalMs = 0;
  /** When it got a slot at its replica (ms): it queued for one from arrivalMs. */
  startMs = 0;
  /** Time it waited for a core, all its CPU work together (ms), and when it last joined the run queue. */
  coreWaitMs = 0;
  coreQueuedMs = 0;
  /** When its answer reached its caller (ms): after the hop back. */
  answeredMs = 0;
  /** CPU demand of this visit (ms): business logic plus, with rpc costs, its messages. */
  cpuMs = 0;
  /** The part of cpuMs spent on RPC messages (serialization, kernel stack). */
  rpcCpuMs = 0;
  /** With rpc costs, which calls this span makes (drawn when it starts, so their cost is known); else null. */
  decisions: Uint8Array | null = null;
  /** Reached its replica through shared memory (no wire, no kernel stack). */
  viaShm = false;
  /** Who hears its answer instead of its parent: the call (with a timeout or retries) it is an attempt of, NOBODY_WAITS for a fire-and-forget call, or null (the parent). */
  attempts: AttemptOwner | null = null;
  /** A retry (not the first attempt). */
  retry = false;
  /** A hedged copy of an attempt. */
  hedge = false;
  /** Turned away by the service's rate limiter. */
  rateLimited = false;
  /** Let through by a breaker: as a normal call, or as a half-open probe (null: no breaker). */
  breakerPass: 'call' | 'probe' | null = null;
  /** Its caller gave up on it (timeout): work done for it from then on is wasted. */
  abandoned = false;
  /** Index of the step being run. */
  step = 0;
  /** Calls of the current step still outstanding (plus one while the step is being issued). */
  pending = 0;
  outcome: Outcome = Outcome.Pending;
  /** The first failure among this span's calls, carried up when the step ends. */
  childFailure: Outcome = Outcome.Pending;
  /** Timer of the CPU work in progress (to cancel it if the replica is killed), or -1, and when it ends (while it waits for a core: its demand). */
  cpuTimer = -1;
  cpuEndMs = 0;
  /** State owned by its endpoint's request flow (the cached flow keeps its lookup here; null for plain steps). */
  flowState: unknown = null;
  /** Has waited out an injected latency fault. */
  faultWaited = false;
  /** Intrusive list of the spans in progress at a replica (O(1) insert and remove, no allocation). */
  prevInReplica: Span | null = null;
  nextInReplica: Span | null = null;

  constructor(
    readonly service: Service,
    readonly endpoint: Endpoint,
    readonly parent: Span | null,
    /** The workload request this span belongs to. */
    readonly root: RootRequest,
    /** Counted in the statistics (arrived after the warm-up). */
    readonly measured: boolean,
  ) {}
}

/** A workload request, end to end. Latency counts from the intended send time (no coordinated omission). */
export class RootRequest {
  outcome: Outcome = Outcome.Pending;
  endMs = 0;
  /** The entry service's replica that took it (its location breaks latency down by place). */
  entry: Replica | null = null;
  /** Scheduled faults whose target its calls reached while they were active (indices; null: none). */
  faultsHit: number[] | null = null;
  /** With a request mix: the index of the entry it went to (-1: the workload has no mix). */
  mixEntry = -1;
  /** A slot for one observer's own record of the request (the trace collector's); the model never reads it. */
  observed: unknown = null;
  constructor(
    readonly workload: WorkloadRef,
    readonly intendedMs: number,
    /** The closed-loop user who sent it, or -1. */
    readonly user: number,
    readonly measured: boolean,
  ) {}
}
