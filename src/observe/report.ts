// The JSON report of a run: its schema (zod, exported as JSON Schema) and how it is built: the core sections here, the features' from their modules.
import { z } from 'zod';
import { timeseriesSchema } from './exports/timeseries.js';
import { INTERVENTION_ACTIONS, type Intervention } from '../model/interventions.js';
import type { World } from '../model/world.js';
import type { AnyFeature, ReportContext, SectionOf, ShapeOf } from './feature.js';
import { FEATURES, type Features } from './features/index.js';
import type { Histogram } from './histogram.js';
import type { MetricsCollector } from './metrics.js';
import {
  byLocationSchema,
  failedLatencySchema,
  latencySchema,
  latencyStats,
  levelSchema,
  requests,
  requestsSchema,
  round,
  stat,
} from './report-fields.js';

export { latencyStats, round } from './report-fields.js';

/** Why a run stopped early (see Run). */
export interface TruncationInfo {
  reason: string;
  atMs: number;
  service: string | null;
}

export const REPORT_VERSION = 1;

/** The core sections before the features': the run, end-to-end requests, workloads and services. */
const headShape = {
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
  measured: z.boolean().describe('false when the run ended before its warm-up did: then nothing was measured and the statistics are null'),
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
};

/** The core sections after the features'. */
const tailShape = {
  interventions: z
    .array(
      z.object({
        atMs: z.number().describe('simulated time, unrounded'),
        action: z.enum(INTERVENTION_ACTIONS),
        target: z.string().describe('a service, or a replica such as payment#0'),
      }),
    )
    .describe('what-ifs applied during the run (from the dashboard or a replay), in order; msim run --replay <report> reproduces the run'),
  timeseries: timeseriesSchema,
  engine: z
    .object({
      events: z.number().int(),
      wallSeconds: z.number(),
      eventsPerSec: z.number(),
    })
    .describe('wall-clock figures: the only part that differs between two runs of the same scenario and seed'),
};

/** The JSON Schema lists breakers before faults, where reports put them after: kept, so schemas/report.schema.json does not change. */
const SCHEMA_FIRST: readonly string[] = ['edges', 'breakers', 'faults'] satisfies (keyof ShapeOf<Features>)[];

/** The features' sections, in the schema's order (FEATURES order, but for SCHEMA_FIRST). */
function featureShape(): ShapeOf<Features> {
  const all: Record<string, z.ZodType> = Object.assign({}, ...(FEATURES as readonly AnyFeature[]).map((f) => f.report.shape));
  const first = SCHEMA_FIRST.filter((k) => k in all);
  const keys = [...first, ...Object.keys(all).filter((k) => !first.includes(k))];
  return Object.fromEntries(keys.map((k) => [k, all[k]])) as ShapeOf<Features>;
}

export const reportSchema = z.object({ ...headShape, ...featureShape(), ...tailShape }).describe('msim run report');

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

export interface EngineFigures {
  events: number;
  wallSeconds: number;
}

/** What a report records beyond the world and its metrics: the run's interventions, how it ended, and where its spec came from. */
export interface RunRecord {
  interventions?: readonly Intervention[];
  truncation?: TruncationInfo | null;
  scenarioSha256?: string | null;
  overrides?: readonly string[];
}

/** Build the report at the end of a run (the world's clock is at the end of the measured window). */
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
    ...featureSections({ world, metrics, nowMs }),
    interventions: interventions.map((iv) => ({ atMs: iv.atMs, action: iv.action, target: iv.target })),
    engine: {
      events: engine.events,
      wallSeconds: round(engine.wallSeconds) ?? 0,
      eventsPerSec: round(engine.wallSeconds > 0 ? engine.events / engine.wallSeconds : 0) ?? 0,
    },
  };
  return roundFloats(report, '') as Report;
}

/** The features' sections, in FEATURES order: the report's key order. */
function featureSections(ctx: ReportContext): SectionOf<ShapeOf<Features>> {
  const out = {};
  for (const f of FEATURES as readonly AnyFeature[]) Object.assign(out, f.report.build(ctx.metrics.part(f), ctx));
  return out as SectionOf<ShapeOf<Features>>;
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

/** The report as JSON text: stable key order (as built), two-space indent, trailing newline. */
export function reportJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** The report's JSON Schema (draft 2020-12), generated from the zod schema so the two cannot drift. */
export function reportJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(reportSchema) as Record<string, unknown>;
}
