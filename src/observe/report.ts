// The JSON report of a run: its schema (zod, exported as JSON Schema) and how it is built from metrics.
import { z } from 'zod';
import { INTERVENTION_ACTIONS, type Intervention } from '../model/interventions.js';
import type { World } from '../model/world.js';
import type { Histogram } from './histogram.js';
import type { Counts, MetricsCollector } from './metrics.js';
import { CacheEvent } from '../model/cache.js';

/** Why a run stopped early (see Run). */
export interface TruncationInfo {
  reason: string;
  atMs: number;
  service: string | null;
}

export const REPORT_VERSION = 1;

/** Numbers are rounded to 6 significant digits; a statistic with no data is null. */
const stat = z.number().nullable();

const requestsSchema = z
  .object({
    started: z.number().int().describe('requests that arrived after the warm-up'),
    completed: z.number().int().describe('ended successfully'),
    failed: z.number().int().describe("ended with an error (their own or a call's)"),
    rejected: z.number().int().describe('turned away by a full queue, here or downstream'),
    inFlight: z.number().int().describe('still in progress when the run ended: started - completed - failed - rejected'),
  })
  .describe('request counts');

const latencySchema = z
  .object({ mean: stat, p50: stat, p90: stat, p95: stat, p99: stat, p999: stat, max: stat })
  .describe('latency of successful requests in milliseconds; percentiles within 0.05%');

const failedLatencySchema = latencySchema.describe(
  'how long failed and rejected requests took to end, in milliseconds (from the intended send time to the error): a fast failure and a timeout look very different here',
);

const levelSchema = z.object({ mean: stat, max: stat });

const byLocationSchema = z
  .record(z.string(), z.object({ completed: z.number().int(), latencyMs: latencySchema }))
  .optional()
  .describe(
    'successful requests and their latency by the location (region/datacenter) of the serving replica; only when the scenario has several locations',
  );

export const reportSchema = z
  .object({
    reportVersion: z.literal(REPORT_VERSION),
    scenario: z.string(),
    description: z.string(),
    scenarioSha256: z
      .string()
      .nullable()
      .describe('SHA-256 of the scenario file as read (null when the run was given a spec, not a file): --replay checks it'),
    overrides: z
      .array(z.string())
      .describe(
        'the overrides applied to the file, as written: "--set services.payment.replicas=8", "--duration 10s"; --replay applies them again',
      ),
    seed: z.number().int(),
    simulatedSeconds: z.number().describe('length of the run in simulated time, warm-up included'),
    simulatedMs: z.number().describe('the same in milliseconds, unrounded (where a replay ends)'),
    warmupSeconds: z.number(),
    measuredSeconds: z.number().describe('simulatedSeconds - warmupSeconds: the window the statistics cover'),
    truncated: z.boolean().describe('the run stopped before its end (see truncation); its figures cover the simulated time it reached'),
    truncation: z
      .object({
        reason: z.string(),
        atMs: z.number().describe('simulated time of the stop'),
        service: z.string().nullable().describe('the service that overflowed, when one did'),
      })
      .nullable()
      .describe(
        'why the run stopped early: too many requests in the system (--max-in-system), too many events pending, or a clock that stood still; null when it ran to its end',
      ),
    measured: z
      .boolean()
      .describe('false when the run ended before its warm-up did: then nothing was measured and the statistics are null'),
    requests: requestsSchema,
    latencyMs: latencySchema.describe(
      'end to end, SUCCESSFUL workload requests only, from the intended send time (failed ones: failedLatencyMs)',
    ),
    failedLatencyMs: failedLatencySchema,
    workloads: z.record(
      z.string(),
      z.object({
        target: z.string(),
        requests: requestsSchema,
        latencyMs: latencySchema,
        failedLatencyMs: failedLatencySchema,
        throughputPerSec: z.number().describe('successful requests per simulated second'),
        byLocation: byLocationSchema,
      }),
    ),
    services: z.record(
      z.string(),
      z.object({
        replicas: z.number().int().describe("replicas the service had at any time (the scenario's, plus any added)"),
        replicasUp: z.number().int().describe('replicas up at the end of the run'),
        cores: z.number().int().describe('cores per replica'),
        requests: requestsSchema,
        latencyMs: latencySchema.describe('arrival at the service to its response, successful spans'),
        byLocation: byLocationSchema,
        throughputPerSec: z.number(),
        utilization: stat.describe(
          "busy cores / cores provisioned, over the measured window: a replica's cores count while it is up or draining (not while killed or removed)",
        ),
        wastedCpuMs: z.number().describe('CPU spent on requests whose caller had timed out (on them or on calls they made)'),
        rateLimited: z.number().int().describe('requests turned away by the rate limit (counted as rejected)'),
        connectionErrors: z
          .number()
          .int()
          .describe('requests sent to a replica that was already down (counted as failed): callers learn of it after discovery.delay'),
        rpcCpuShare: stat.describe(
          "share of the service's CPU spent on RPC messages (serialization, kernel stack) rather than business logic; null without rpc: costs",
        ),
        queueLength: levelSchema.describe('requests waiting for a concurrency slot or a core, summed over replicas'),
        inSystem: levelSchema.describe("requests at the service, waiting or in progress (L in Little's law)"),
        perReplica: z.array(
          z.object({
            replica: z.string(),
            up: z.boolean().describe('at the end of the run'),
            utilization: stat.describe('busy cores / its cores, over the part of the window it was up or draining'),
            queueLength: levelSchema,
          }),
        ),
      }),
    ),
    edges: z
      .record(
        z.string(),
        z.object({
          calls: z.number().int().describe('calls made: first attempts (not retries or hedges), plus calls a breaker refused outright'),
          attempts: z.number().int().describe('requests sent, retries included'),
          retries: z.number().int(),
          hedges: z.number().int().describe('extra copies sent because no answer had come in time'),
          timeouts: z.number().int().describe('attempts the caller stopped waiting for'),
          breakerRejected: z.number().int().describe('attempts a circuit breaker refused to send (open, or out of half-open probes)'),
          bulkheadRejected: z.number().int().describe('calls a full bulkhead turned away'),
          fallbacks: z.number().int().describe('failed calls answered by their fallback instead (a degraded success)'),
          amplification: stat.describe('attempts / calls: the load retries add'),
        }),
      )
      .describe('calls from one service to another ("caller->callee") made for workload requests that arrived after the warm-up'),
    breakers: z
      .record(
        z.string(),
        z.object({
          preset: z.string(),
          scope: z.enum(['replica', 'service']),
          state: z.enum(['closed', 'open', 'halfOpen']).describe('at the end of the run'),
          transitions: z.array(z.object({ atMs: z.number(), from: z.string(), to: z.string() })).describe('the first 500, in order'),
          transitionCount: z.number().int(),
          openMs: z.number().describe('simulated time spent open'),
        }),
      )
      .describe(
        'every circuit breaker ("caller->callee", the caller a replica or a service), over the whole run, in the order they were made (replicas added by a what-if last)',
      ),
    faults: z
      .array(
        z.object({
          at: z.number().describe('start, ms of simulated time'),
          forMs: z.number().nullable().describe('length; null: to the end of the run'),
          kind: z.enum(['kill', 'latency', 'errors', 'partition', 'cpu', 'pause']),
          target: z.string(),
          requests: z
            .number()
            .int()
            .describe(
              "workload requests whose calls reached the fault's target while it was active (its service, endpoint, replica, place, or a message across its link), counted when they ended",
            ),
          errorRate: stat.describe('of those, the share that failed or were rejected'),
          latencyMs: latencySchema.describe('of those that succeeded'),
        }),
      )
      .describe('the fault schedule, with what the workloads saw during each fault'),
    network: z
      .object({
        hops: z
          .object({ sameDatacenter: z.number().int(), crossDatacenter: z.number().int(), crossRegion: z.number().int() })
          .describe('messages sent (a call is a request and a response; clients to entry services count)'),
        bytes: z
          .object({ sameDatacenter: z.number(), crossDatacenter: z.number(), crossRegion: z.number() })
          .describe('bytes sent, from endpoint requestKB/responseKB (1 KB = 1024 bytes)'),
        bytesByRegionPair: z.record(z.string(), z.number()).describe('bytes sent from one region to another, as "from->to"'),
        costUsd: z.number().describe('bytes x pricePerGB of their hop class (1 GB = 2^30 bytes)'),
        lossRetransmits: z.number().int().describe('transmissions lost and sent again after network.retransmitTimeout'),
      })
      .nullable()
      .describe('traffic after the warm-up; null when the scenario has no network: section (hops are instantaneous)'),
    caches: z
      .record(
        z.string(),
        z.object({
          kind: z.enum(['local', 'shared']),
          copies: z.number().int().describe('replicas (local) or nodes (shared) holding a copy at the end'),
          capacity: z.number().int().describe('entries per copy'),
          entries: z.number().int().describe('entries held at the end, over all copies'),
          lookups: z
            .number()
            .int()
            .describe('hits + misses: lookups by requests (a lookup again after waiting on another fetch is not counted twice)'),
          hits: z.number().int(),
          misses: z.number().int(),
          hitRatio: stat.describe('hits / lookups'),
          evictions: z.number().int().describe('fresh entries removed to make room'),
          expirations: z.number().int().describe('entries found expired (on lookup, or when chosen to make room)'),
          coalesced: z
            .number()
            .int()
            .describe('misses that waited for a fetch of the key already in progress instead of going on (coalesce: true)'),
          fills: z.number().int().describe('entries written after a miss (or by a write with onWrite: update)'),
          writes: z.number().int().describe('writes of a key that reached this cache (it was dropped, or updated)'),
          refreshes: z.number().int().describe('entries refreshed in the background before they expired (refreshAhead)'),
          errors: z.number().int().describe('shared: lookups with no answer (node down, timed out, partitioned), taken as misses'),
          stampedes: z
            .number()
            .int()
            .describe('times that 10 or more requests missed one key at once (fetching it, or waiting on one fetch with coalesce)'),
          maxConcurrentFetches: z
            .number()
            .int()
            .describe("the most fetches of one key from below this cache at once: a stampede's size, 1 with coalesce"),
        }),
      )
      .describe('caches, counted after the warm-up; local caches summed over replicas'),
    cachedEndpoints: z
      .record(
        z.string(),
        z.object({
          keys: z.string().describe('the key space requests draw from'),
          caches: z.array(z.string()).describe('lookup order'),
          requests: z.number().int().describe('requests that ended (after the warm-up)'),
          writes: z.number().int().describe('of those, writes (they skip the caches)'),
          originRequests: z
            .number()
            .int()
            .describe("runs of the endpoint's own work and calls: misses at every level, writes and background refreshes"),
          originLoadReduction: stat.describe('1 - originRequests / requests: the share of the load the caches take off the origin'),
        }),
      )
      .describe('"service.endpoint" with caches: how much load reaches the origin'),
    slo: z
      .object({
        met: z.boolean().describe('every objective met'),
        objectives: z.array(
          z.object({
            metric: z.string().describe('p50 ... p999 (ms), or errorRate'),
            target: z.number(),
            actual: z.number().nullable(),
            met: z.boolean(),
          }),
        ),
      })
      .nullable()
      .describe("the scenario's service-level objectives on end-to-end requests, checked over the measured window; null without any"),
    interventions: z
      .array(
        z.object({
          atMs: z.number().describe('simulated time, unrounded'),
          action: z.enum(INTERVENTION_ACTIONS),
          target: z.string().describe('a service, or a replica such as payment#0'),
        }),
      )
      .describe(
        'what-ifs applied during the run (from the dashboard or a replay), in order; msim run --replay <report> reproduces the run',
      ),
    engine: z
      .object({
        events: z.number().int(),
        wallSeconds: z.number(),
        eventsPerSec: z.number(),
      })
      .describe('wall-clock figures: the only part that differs between two runs of the same scenario and seed'),
  })
  .describe('msim run report');

export type Report = z.infer<typeof reportSchema>;

/** Paths whose numbers stay unrounded (a replay needs the exact times); every other non-integer is rounded to 6 significant digits. */
const UNROUNDED = new Set(['simulatedMs', 'interventions.atMs']);

/** Round every non-integer number in a built report (in place), except the UNROUNDED paths. */
function roundFloats(node: unknown, path: string): unknown {
  if (typeof node === 'number') return Number.isInteger(node) || UNROUNDED.has(path) ? node : round(node);
  if (Array.isArray(node)) return node.map((v) => roundFloats(v, path));
  if (node !== null && typeof node === 'object') {
    const obj = node as Record<string, unknown>;
    for (const k of Object.keys(obj)) obj[k] = roundFloats(obj[k], path === '' ? k : `${path.split('.').pop()}.${k}`);
  }
  return node;
}

/** Round to 6 significant digits (null for NaN or infinities), so reports stay readable and stable. */
export function round(x: number): number | null {
  if (!Number.isFinite(x)) return null;
  if (x === 0) return 0;
  return Number(x.toPrecision(6));
}

export function latencyStats(h: Histogram) {
  return {
    mean: round(h.mean),
    p50: round(h.percentile(50)),
    p90: round(h.percentile(90)),
    p95: round(h.percentile(95)),
    p99: round(h.percentile(99)),
    p999: round(h.percentile(99.9)),
    max: round(h.count ? h.max : NaN),
  };
}

function requests(c: Counts) {
  return {
    started: c.started,
    completed: c.completed,
    failed: c.failed,
    rejected: c.rejected,
    inFlight: c.started - c.completed - c.failed - c.rejected,
  };
}

export interface EngineFigures {
  events: number;
  wallSeconds: number;
}

/** Build the report at the end of a run (the world's clock is at the end of the measured window). */
/** What a report records beyond the world and its metrics: the run's interventions, how it ended, and where its spec came from. */
export interface RunRecord {
  interventions?: readonly Intervention[];
  truncation?: TruncationInfo | null;
  scenarioSha256?: string | null;
  overrides?: readonly string[];
}

export function buildReport(world: World, metrics: MetricsCollector, engine: EngineFigures, record: RunRecord = {}): Report {
  const interventions = record.interventions ?? [];
  const truncation = record.truncation ?? null;
  const spec = world.spec;
  const nowMs = world.sim.nowMs;
  const measuredSeconds = Math.max(0, nowMs - world.warmupMs) / 1000;
  const perSec = (n: number) => round(measuredSeconds > 0 ? n / measuredSeconds : NaN) ?? 0;

  const workloads: Report['workloads'] = {};
  world.workloads.forEach((w, i) => {
    const m = metrics.workloads[i];
    workloads[w.name] = {
      target: `${w.spec.service}.${w.spec.endpoint}`,
      requests: requests(m.counts),
      latencyMs: latencyStats(m.latency),
      failedLatencyMs: latencyStats(m.failedLatency),
      throughputPerSec: perSec(m.counts.completed),
      ...byLocation(world, m.byLocation),
    };
  });

  const services: Report['services'] = {};
  world.services.forEach((s, i) => {
    const m = metrics.services[i];
    services[s.name] = {
      replicas: s.replicas.length,
      replicasUp: s.replicas.filter((r) => r.up).length,
      cores: s.cores,
      requests: requests(m.counts),
      latencyMs: latencyStats(m.latency),
      ...byLocation(world, m.byLocation),
      throughputPerSec: perSec(m.counts.completed),
      utilization: round(m.utilization(nowMs, s.cores)),
      wastedCpuMs: round(m.wastedCpuMs) ?? 0,
      rateLimited: m.rateLimited,
      connectionErrors: m.connectionErrors,
      rpcCpuShare: world.rpc === null ? null : round(m.cpuMs > 0 ? m.rpcCpuMs / m.cpuMs : NaN),
      queueLength: { mean: round(m.waiting.mean(nowMs)), max: round(m.waiting.maxSince(nowMs)) },
      inSystem: { mean: round(m.inSystem.mean(nowMs)), max: round(m.inSystem.maxSince(nowMs)) },
      perReplica: s.replicas.map((r) => {
        const rm = m.replicas[r.index];
        return {
          replica: r.id,
          up: r.up,
          utilization: round(rm.utilization(nowMs, s.cores)),
          queueLength: { mean: round(rm.waiting.mean(nowMs)), max: round(rm.waiting.maxSince(nowMs)) },
        };
      }),
    };
  });

  const report: Report = {
    reportVersion: REPORT_VERSION,
    scenario: spec.name,
    description: spec.description,
    scenarioSha256: record.scenarioSha256 ?? null,
    overrides: [...(record.overrides ?? [])],
    seed: world.seed,
    simulatedSeconds: nowMs / 1000,
    simulatedMs: nowMs,
    warmupSeconds: world.warmupMs / 1000,
    measuredSeconds,
    truncated: truncation !== null,
    truncation: truncation === null ? null : { reason: truncation.reason, atMs: truncation.atMs, service: truncation.service },
    measured: measuredSeconds > 0,
    requests: requests(metrics.total.counts),
    latencyMs: latencyStats(metrics.total.latency),
    failedLatencyMs: latencyStats(metrics.total.failedLatency),
    workloads,
    services,
    edges: edgesReport(world, metrics),
    faults: world.spec.faults.map((f, i) => {
      const w = metrics.faults.windows[i];
      const ended = w.counts.completed + w.counts.failed + w.counts.rejected;
      return {
        at: f.atMs,
        forMs: f.forMs,
        kind: f.kind,
        target: f.target,
        requests: ended,
        errorRate: round(ended > 0 ? (w.counts.failed + w.counts.rejected) / ended : NaN),
        latencyMs: latencyStats(w.latency),
      };
    }),
    breakers: Object.fromEntries(
      [...world.breakers.values()].map((b) => {
        const h = metrics.breakers.get(b.name); // none: it never changed state
        return [
          b.name,
          {
            preset: b.spec.preset,
            scope: b.spec.scope,
            state: b.state,
            transitions: h ? h.transitions.map((t) => ({ ...t })) : [],
            transitionCount: h ? h.transitionCount : 0,
            openMs: h ? (round(h.openMs + (h.openSinceMs >= 0 ? nowMs - h.openSinceMs : 0)) ?? 0) : 0,
          },
        ];
      }),
    ),
    network: networkReport(world, metrics),
    caches: Object.fromEntries(
      world.caches.map((level, i) => {
        const m = metrics.caches[i];
        const c = m.counts;
        const holders = level.holders();
        return [
          level.name,
          {
            kind: level.spec.kind,
            copies: holders.length,
            capacity: level.spec.capacity,
            entries: holders.reduce((n, r) => n + (r.cacheCopies[i]?.store.size ?? 0), 0),
            lookups: m.lookups,
            hits: c[CacheEvent.Hit],
            misses: c[CacheEvent.Miss],
            hitRatio: round(m.lookups > 0 ? c[CacheEvent.Hit] / m.lookups : NaN),
            evictions: c[CacheEvent.Eviction],
            expirations: c[CacheEvent.Expiration],
            coalesced: c[CacheEvent.Coalesced],
            fills: c[CacheEvent.Fill],
            writes: c[CacheEvent.Write],
            refreshes: c[CacheEvent.Refresh],
            errors: c[CacheEvent.Error],
            stampedes: c[CacheEvent.Stampede],
            maxConcurrentFetches: m.maxConcurrentFetches,
          },
        ];
      }),
    ),
    cachedEndpoints: Object.fromEntries(
      world.services.flatMap((s) =>
        [...s.endpoints.values()]
          .filter((ep) => ep.levels !== null)
          .map((ep) => {
            const m = metrics.origins.get(ep);
            const requests = m?.requests ?? 0;
            const origin = m?.origin ?? 0;
            return [
              `${s.name}.${ep.name}`,
              {
                keys: ep.keys!.space.name,
                caches: ep.levels!.map((l) => l.name),
                requests,
                writes: m?.writes ?? 0,
                originRequests: origin,
                originLoadReduction: round(requests > 0 ? 1 - origin / requests : NaN),
              },
            ];
          }),
      ),
    ),
    slo: checkSlo(world, metrics),
    interventions: interventions.map((iv) => ({ atMs: iv.atMs, action: iv.action, target: iv.target })),
    engine: {
      events: engine.events,
      wallSeconds: round(engine.wallSeconds) ?? 0,
      eventsPerSec: round(engine.wallSeconds > 0 ? engine.events / engine.wallSeconds : 0) ?? 0,
    },
  };
  return roundFloats(report, '') as Report;
}

function byLocation(
  world: World,
  hs: readonly (Histogram | undefined)[],
): { byLocation?: NonNullable<Report['services'][string]['byLocation']> } {
  if (world.locations.length < 2) return {};
  const out: NonNullable<Report['services'][string]['byLocation']> = {};
  world.locations.forEach((l, i) => {
    const h = hs[i];
    if (h && h.count > 0) out[l.id] = { completed: h.count, latencyMs: latencyStats(h) };
  });
  return { byLocation: out };
}

function edgesReport(world: World, metrics: MetricsCollector): Report['edges'] {
  const out: Report['edges'] = {};
  for (const from of world.services) {
    for (const e of metrics.edgesOf(from)) {
      if (e.attempts === 0 && e.timeouts === 0 && e.breakerRejected === 0 && e.bulkheadRejected === 0) continue;
      const calls = e.calls;
      out[`${from.name}->${e.to.name}`] = {
        calls,
        attempts: e.attempts,
        retries: e.retries,
        hedges: e.hedges,
        timeouts: e.timeouts,
        breakerRejected: e.breakerRejected,
        bulkheadRejected: e.bulkheadRejected,
        fallbacks: e.fallbacks,
        amplification: round(calls > 0 ? e.attempts / calls : NaN),
      };
    }
  }
  return out;
}

function networkReport(world: World, metrics: MetricsCollector): Report['network'] {
  if (!world.network) return null;
  const n = metrics.network;
  const regions = Object.keys(world.spec.regions);
  const bytesByRegionPair: Record<string, number> = {};
  regions.forEach((a, i) => {
    regions.forEach((b, j) => {
      if (i !== j && n.bytesByRegions[i][j] > 0) bytesByRegionPair[`${a}->${b}`] = n.bytesByRegions[i][j];
    });
  });
  const cost = n.bytes.reduce((sum, bytes, c) => sum + (bytes / 2 ** 30) * world.network!.pricePerGB(c), 0);
  return {
    hops: { sameDatacenter: n.hops[0], crossDatacenter: n.hops[1], crossRegion: n.hops[2] },
    bytes: { sameDatacenter: n.bytes[0], crossDatacenter: n.bytes[1], crossRegion: n.bytes[2] },
    bytesByRegionPair,
    costUsd: round(cost) ?? 0,
    lossRetransmits: n.retransmits,
  };
}

const SLO_PERCENTILES = { p50: 50, p90: 90, p95: 95, p99: 99, p999: 99.9 } as const;

function checkSlo(world: World, metrics: MetricsCollector): Report['slo'] {
  const slo = world.spec.slo;
  if (!slo) return null;
  const objectives: NonNullable<Report['slo']>['objectives'] = [];
  const h = metrics.total.latency;
  for (const [metric, target] of Object.entries(slo.latencyMs)) {
    const actual = round(h.percentile(SLO_PERCENTILES[metric as keyof typeof SLO_PERCENTILES]));
    objectives.push({ metric, target, actual, met: actual !== null && actual <= target });
  }
  if (slo.errorRate !== null) {
    const c = metrics.total.counts;
    const ended = c.completed + c.failed + c.rejected;
    const actual = ended > 0 ? round((c.failed + c.rejected) / ended) : null;
    objectives.push({ metric: 'errorRate', target: slo.errorRate, actual, met: actual !== null && actual <= slo.errorRate });
  }
  return { met: objectives.every((o) => o.met), objectives };
}

/** The report as JSON text: stable key order (as built), two-space indent, trailing newline. */
export function reportJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** The report's JSON Schema (draft 2020-12), generated from the zod schema so the two cannot drift. */
export function reportJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(reportSchema) as Record<string, unknown>;
}
