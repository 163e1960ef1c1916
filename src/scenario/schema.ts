// The zod schema of a scenario file: field names, types, units and defaults, with errors as data.
import { z } from 'zod';
import { parseArrivals } from './sections/workloads.js';
import { cache, keySpace } from './sections/caches.js';
import { distribution, duration, positiveInt, probability, rate, replicas, strict, unit } from './fields.js';
import { parseBackoff } from './sections/resilience.js';
import { BALANCERS, JITTERS, LOCALITIES, ON_WRITE, RETRY_ON, TRANSPORTS } from './spec.js';
import { type Parsed, parseBandwidth, parseDuration } from './units.js';

const arrivals = unit(parseArrivals);

/** A non-negative limit, or "unlimited". */
const limit = z.union([z.number().int().min(0), z.literal('unlimited')], { error: 'a whole number >= 0 or "unlimited"' });
const locality = z.enum(LOCALITIES as [string, ...string[]]);
const sizeKB = z.number().min(0);

const retry = strict({
  attempts: z.number().int().min(1),
  backoff: unit(parseBackoff).optional(),
  jitter: z.enum(JITTERS as [string, ...string[]]).optional(),
  on: z.array(z.enum(RETRY_ON as [string, ...string[]])).optional(),
  budget: strict({ ratio: probability, minPerSec: z.number().min(0).optional() }).optional(),
  adaptive: strict({ tokensPerSuccess: z.number().positive().optional(), capacity: z.number().positive().optional() }).optional(),
});

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

const hedge = strict({ after: unit(parseHedgeAfter), max: z.number().int().min(1).optional() });

/** A call: `service`, `service.endpoint` or `{ to, probability }`. */
const call = z.preprocess(
  (v) => (typeof v === 'string' ? { to: v } : v),
  strict({
    to: z.string().min(1),
    probability: probability.optional(),
    locality: locality.optional(),
    transport: z.enum(TRANSPORTS as [string, ...string[]]).optional(),
    timeout: duration.optional(),
    retry: retry.optional(),
    breaker: breaker.optional(),
    hedge: hedge.optional(),
    bulkhead: strict({ maxConcurrent: z.number().int().min(1), queue: z.number().int().min(0).optional() }).optional(),
    fallback: strict({ cpu: distribution.optional() }).optional(),
  }),
);
/** A step: one call, or a list of calls run in parallel. */
const step = z.preprocess((v) => (Array.isArray(v) ? v : [v]), z.array(call).min(1));

/** The caches an endpoint looks up in order: one name, or a list. */
const cacheList = z.preprocess((v) => (typeof v === 'string' ? [v] : v), z.array(z.string().min(1)).min(1).max(8));

const endpoint = strict({
  description: z.string().optional(),
  keys: z.string().min(1).optional(),
  cache: cacheList.optional(),
  onWrite: z.enum(ON_WRITE as [string, ...string[]]).optional(),
  cpu: distribution.optional(),
  errors: probability.optional(),
  calls: z.array(step).optional(),
  requestKB: sizeKB.optional(),
  responseKB: sizeKB.optional(),
});

const service = strict({
  description: z.string().optional(),
  replicas: replicas.optional(),
  locality: locality.optional(),
  cores: positiveInt.optional(),
  concurrency: limit.optional(),
  queue: limit.optional(),
  balancer: z.enum(BALANCERS as [string, ...string[]]).optional(),
  rateLimit: strict({ rate, burst: z.number().int().min(1).optional() }).optional(),
  outlier: strict({
    consecutiveErrors: z.number().int().min(1).optional(),
    ejectFor: duration.optional(),
    maxEjectedPercent: probability.optional(),
  }).optional(),
  keys: z.string().min(1).optional(),
  cache: cacheList.optional(),
  onWrite: z.enum(ON_WRITE as [string, ...string[]]).optional(),
  cpu: distribution.optional(),
  errors: probability.optional(),
  calls: z.array(step).optional(),
  requestKB: sizeKB.optional(),
  responseKB: sizeKB.optional(),
  endpoints: z.record(z.string(), endpoint).optional(),
});

const ratePoint = strict({ at: duration, rate, ramp: duration.optional() });

const workload = strict({
  name: z.string().min(1),
  from: z.string().min(1).optional(),
  description: z.string().optional(),
  to: z.string().min(1),
  arrivals,
  schedule: z.array(ratePoint).optional(),
});

const slo = strict({
  p50: duration.optional(),
  p90: duration.optional(),
  p95: duration.optional(),
  p99: duration.optional(),
  p999: duration.optional(),
  errorRate: probability.optional(),
});

const perHopClass = <T extends z.ZodType>(t: T) =>
  strict({ sameDatacenter: t.optional(), crossDatacenter: t.optional(), crossRegion: t.optional() });

const network = strict({
  sameDatacenter: distribution.optional(),
  crossDatacenter: distribution.optional(),
  crossRegion: distribution.optional(),
  links: z.record(z.string(), distribution).optional(),
  pricePerGB: perHopClass(z.number().min(0)).optional(),
  bandwidth: perHopClass(unit(parseBandwidth)).optional(),
  loss: z.record(z.string(), probability).optional(),
  retransmitTimeout: duration.optional(),
});

const rpc = strict({
  overhead: duration.optional(),
  perKB: duration.optional(),
  transport: z.enum(TRANSPORTS as [string, ...string[]]).optional(),
  shm: strict({ overhead: duration.optional(), perKB: duration.optional() }).optional(),
});

/** One fault: `at`, optional `for`, and exactly one of kill, latency, errors, partition, cpu, pause with their settings. */
const fault = strict({
  at: duration,
  for: duration.optional(),
  kill: z.string().optional(),
  latency: z.string().optional(),
  add: distribution.optional(),
  multiply: z.number().positive().optional(),
  errors: z.string().optional(),
  rate: probability.optional(),
  partition: z.string().optional(),
  cpu: z.string().optional(),
  factor: z.number().positive().optional(),
  pause: z.string().optional(),
  every: duration.optional(),
  duration: duration.optional(),
});

export const scenarioSchema = strict({
  name: z.string().min(1),
  description: z.string().optional(),
  seed: z.number().int().optional(),
  duration: duration.optional(),
  warmup: duration.optional(),
  workloads: z.array(workload).min(1),
  services: z.record(z.string(), service),
  slo: slo.optional(),
  regions: z.record(z.string(), z.array(z.string().min(1)).min(1)).optional(),
  network: network.optional(),
  rpc: rpc.optional(),
  discovery: strict({ delay: duration.optional() }).optional(),
  faults: z.array(fault).optional(),
  keys: z.record(z.string(), keySpace).optional(),
  caches: z.record(z.string(), cache).optional(),
});

export type ScenarioInput = z.output<typeof scenarioSchema>;
export type ServiceInput = z.output<typeof service>;
export type EndpointInput = z.output<typeof endpoint>;
export type CallInput = z.output<typeof call>;
export type FaultInput = z.output<typeof fault>;
