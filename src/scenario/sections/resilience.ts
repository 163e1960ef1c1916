// Resilience: timeouts, retries, circuit breakers, hedging, bulkheads and fallbacks on calls; rate limits and outlier ejection on services.
import { z } from 'zod';
import type { DistSpec } from '../../engine/distributions.js';
import { BREAKER_PRESETS, type BreakerConfig } from '../breaker-presets.js';
import { durationArg, namedArgs, readWith, required, singleArg, valueError } from '../distribution.js';
import { distribution, duration, probability, rate, strict, unit } from '../fields.js';
import type { Input, Section } from '../section.js';
import { suggest } from '../suggest.js';
import { type Parsed, describe, fail, parseDuration } from '../units.js';

/** Send another copy of an attempt when no answer has come after a delay (or the call's recent pNN latency). */
export interface HedgeSpec {
  readonly afterMs: number | null;
  /** A percentile of the call's recent latencies (e.g. 95), when `after: p95`. */
  readonly afterPercentile: number | null;
  /** Extra copies at most, per attempt. */
  readonly max: number;
}

export interface BreakerSpec {
  readonly preset: string;
  readonly config: BreakerConfig;
  /** replica: a breaker in each calling replica (a client library per instance); service: one shared. */
  readonly scope: 'replica' | 'service';
}

export type RetryOn = 'error' | 'timeout' | 'rejected';
export const RETRY_ON: readonly RetryOn[] = ['error', 'timeout', 'rejected'];
export type Jitter = 'none' | 'full' | 'equal' | 'decorrelated';
export const JITTERS: readonly Jitter[] = ['none', 'full', 'equal', 'decorrelated'];

export type BackoffSpec =
  | { readonly kind: 'exponential'; readonly baseMs: number; readonly capMs: number }
  | { readonly kind: 'constant'; readonly ms: number };

export interface RetrySpec {
  /** Attempts in all, the first included. */
  readonly attempts: number;
  readonly backoff: BackoffSpec;
  readonly jitter: Jitter;
  readonly on: readonly RetryOn[];
  /** Envoy/Linkerd retry budget: retries at most ratio x requests + minPerSec (over a 10 s window). */
  readonly budget: { readonly ratio: number; readonly minPerSec: number } | null;
  /** Marc Brooker's adaptive token bucket: a success deposits tokensPerSuccess, a retry spends 1. */
  readonly adaptive: { readonly tokensPerSuccess: number; readonly capacity: number } | null;
}

export interface ResilienceServicePart {
  /** Token bucket over the whole service: `ratePerSec` sustained, `burst` at once; excess rejected (429), costing no CPU. */
  readonly rateLimit: { readonly ratePerSec: number; readonly burst: number } | null;
  /** Envoy-style outlier ejection: a replica with this many errors in a row leaves the rotation for ejectForMs x times ejected. */
  readonly outlier: { readonly consecutiveErrors: number; readonly ejectForMs: number; readonly maxEjectedPercent: number } | null;
}

export interface ResilienceCallPart {
  /** The caller gives up on an attempt after this long (null: waits forever). */
  readonly timeoutMs: number | null;
  readonly retry: RetrySpec | null;
  readonly breaker: BreakerSpec | null;
  readonly hedge: HedgeSpec | null;
  /** At most maxConcurrent calls in flight from one calling replica, `queue` more waiting; beyond, rejected at once. */
  readonly bulkhead: { readonly maxConcurrent: number; readonly queue: number } | null;
  /** When the call fails in the end, answer with a degraded result after this much time instead. */
  readonly fallback: { readonly cpu: DistSpec } | null;
}

const retry = strict({
  attempts: z.number().int().min(1),
  backoff: unit(parseBackoff).optional(),
  jitter: z.enum(JITTERS as [string, ...string[]]).optional(),
  on: z.array(z.enum(RETRY_ON as [string, ...string[]])).optional(),
  budget: strict({ ratio: probability, minPerSec: z.number().min(0).optional() }).optional(),
  adaptive: strict({ tokensPerSuccess: z.number().positive().optional(), capacity: z.number().positive().optional() }).optional(),
});

const breaker = strict({
  preset: z.enum(['hystrix', 'resilience4j', 'polly', 'opossum']).optional(),
  window: unit(parseBreakerWindow).optional(),
  minCalls: z.number().int().min(0).optional(),
  failureRate: probability.optional(),
  slowCall: strict({ duration, rate: probability.optional() }).optional(),
  open: duration.optional(),
  halfOpenCalls: z.number().int().min(1).optional(),
  scope: z.enum(['replica', 'service']).optional(),
});

const hedge = strict({ after: unit(parseHedgeAfter), max: z.number().int().min(1).optional() });

const serviceFields = {
  rateLimit: strict({ rate, burst: z.number().int().min(1).optional() }).optional(),
  outlier: strict({
    consecutiveErrors: z.number().int().min(1).optional(),
    ejectFor: duration.optional(),
    maxEjectedPercent: probability.optional(),
  }).optional(),
};

export const callFields = {
  timeout: duration.optional(),
  retry: retry.optional(),
  breaker: breaker.optional(),
  hedge: hedge.optional(),
  bulkhead: strict({ maxConcurrent: z.number().int().min(1), queue: z.number().int().min(0).optional() }).optional(),
  fallback: strict({ cpu: distribution.optional() }).optional(),
};

type ServiceInput = Input<typeof serviceFields>;
type CallInput = Input<typeof callFields>;

export const resilience: Section<{ service: ResilienceServicePart; call: ResilienceCallPart }> = {
  name: 'resilience',
  service: {
    fields: serviceFields,
    build: (svc: ServiceInput) => ({
      // Envoy's defaults: 5 consecutive 5xx, 30 s base ejection, at most 10% ejected
      outlier: svc.outlier
        ? {
            consecutiveErrors: svc.outlier.consecutiveErrors ?? 5,
            ejectForMs: svc.outlier.ejectFor ?? 30_000,
            maxEjectedPercent: svc.outlier.maxEjectedPercent ?? 0.1,
          }
        : null,
      rateLimit: svc.rateLimit
        ? { ratePerSec: svc.rateLimit.rate, burst: svc.rateLimit.burst ?? Math.max(1, Math.ceil(svc.rateLimit.rate / 10)) }
        : null,
    }),
    builtAt: { before: 'endpoints' },
  },
  call: {
    fields: callFields,
    build: (c: CallInput) => ({
      timeoutMs: c.timeout ?? null,
      retry: retrySpec(c.retry),
      breaker: breakerSpec(c.breaker),
      hedge: c.hedge ? { ...c.hedge.after, max: c.hedge.max ?? 1 } : null,
      bulkhead: c.bulkhead ? { maxConcurrent: c.bulkhead.maxConcurrent, queue: c.bulkhead.queue ?? 0 } : null,
      fallback: c.fallback ? { cpu: c.fallback.cpu ?? { kind: 'constant', valueMs: 0 } } : null,
    }),
  },
};

function breakerSpec(b: CallInput['breaker']): BreakerSpec | null {
  if (!b) return null;
  const preset = b.preset ?? 'resilience4j';
  const base = BREAKER_PRESETS[preset];
  const window: Pick<BreakerConfig, 'windowKind' | 'windowSize'> = b.window ?? base;
  const config: BreakerConfig = {
    ...base,
    windowKind: window.windowKind,
    windowSize: window.windowSize,
    // a count window smaller than the preset's minimum is judged once full
    minCalls: b.minCalls ?? (window.windowKind === 'count' ? Math.min(base.minCalls, window.windowSize) : base.minCalls),
    failureRate: b.failureRate ?? base.failureRate,
    slowCallMs: b.slowCall ? b.slowCall.duration : base.slowCallMs,
    slowCallRate: b.slowCall?.rate ?? base.slowCallRate,
    openMs: b.open ?? base.openMs,
    halfOpenCalls: b.halfOpenCalls ?? base.halfOpenCalls,
  };
  return { preset, config, scope: b.scope ?? 'replica' };
}

function retrySpec(r: CallInput['retry']): RetrySpec | null {
  if (!r) return null;
  return {
    attempts: r.attempts,
    backoff: r.backoff ?? { kind: 'exponential', baseMs: 25, capMs: 1000 },
    jitter: (r.jitter as Jitter | undefined) ?? 'full',
    on: (r.on as RetryOn[] | undefined) ?? ['error', 'timeout'],
    budget: r.budget ? { ratio: r.budget.ratio, minPerSec: r.budget.minPerSec ?? 10 } : null,
    adaptive: r.adaptive ? { tokensPerSuccess: r.adaptive.tokensPerSuccess ?? 0.1, capacity: r.adaptive.capacity ?? 10 } : null,
  };
}

/** `20` (the last 20 calls) or `10s` (the calls of the last 10 seconds). */
function parseBreakerWindow(input: unknown): Parsed<{ windowKind: 'count' | 'time'; windowSize: number }> {
  const hint = 'a number of calls (a count window, such as 20) or a duration (a time window, such as 10s)';
  if (typeof input === 'number')
    return Number.isInteger(input) && input >= 1
      ? { ok: true, value: { windowKind: 'count', windowSize: input } }
      : { ok: false, expected: hint, found: String(input), offset: 0 };
  const d = parseDuration(input);
  return d.ok && d.value > 0
    ? { ok: true, value: { windowKind: 'time', windowSize: d.value } }
    : { ok: false, expected: hint, found: JSON.stringify(input), offset: 0 };
}

/** `10ms`, or a percentile of the call's recent latencies: `p95`. */
function parseHedgeAfter(input: unknown): Parsed<{ afterMs: number | null; afterPercentile: number | null }> {
  const m = typeof input === 'string' ? /^p(\d{2}(?:\.\d+)?)$/.exec(input.trim()) : null;
  if (m && Number(m[1]) > 0 && Number(m[1]) < 100) return { ok: true, value: { afterMs: null, afterPercentile: Number(m[1]) } };
  const d = parseDuration(input);
  if (d.ok && d.value > 0) return { ok: true, value: { afterMs: d.value, afterPercentile: null } };
  return {
    ok: false,
    expected: 'a delay such as 10ms, or a percentile of recent latencies such as p95',
    found: typeof input === 'string' ? JSON.stringify(input) : String(input),
    offset: 0,
  };
}

export const BACKOFF_HINT = 'exponential(base=<duration>, cap=<duration>) or constant(<duration>)';

/** `exponential(base=20ms, cap=500ms)` or `constant(50ms)`. */
export function parseBackoff(input: unknown): Parsed<BackoffSpec> {
  if (typeof input !== 'string') return fail(BACKOFF_HINT, describe(input));
  return readWith(input, (e) => {
    if (e.type !== 'call') return valueError(BACKOFF_HINT, JSON.stringify(e.text), e.offset);
    if (e.name === 'constant') return { kind: 'constant', ms: durationArg(singleArg(e, 'delay', '<duration>')) };
    if (e.name === 'exponential') {
      const a = namedArgs(e, ['base', 'cap']);
      const baseMs = durationArg(required(e, a, 'base', 'base=, cap='));
      const capMs = a.has('cap') ? durationArg(a.get('cap')!.value) : Infinity;
      if (!(baseMs > 0) || capMs < baseMs) valueError('0 < base <= cap', JSON.stringify(e.text), e.offset);
      return { kind: 'exponential', baseMs, capMs };
    }
    return valueError(
      `${BACKOFF_HINT}${suggest(e.name, ['exponential', 'constant'], ' (did you mean "%s"?)')}`,
      `"${e.name}(...)"`,
      e.offset,
    );
  });
}
