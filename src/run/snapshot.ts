// The immutable picture of a live run that the dashboard draws: plain data, rebuilt every frame.
import type { FieldsOf, ServiceFieldsOf } from '../observe/feature.js';
import type { Features } from '../observe/features/index.js';
import type { LatencyColumns, ServiceHistory } from '../observe/live-history.js';
import type { SeriesPoint } from '../observe/live-metrics.js';
import type { LogEntry } from './run.js';

export type { BreakerRow } from '../observe/features/breakers.js';
export type { CacheRow, OriginRow } from '../observe/features/caches.js';
export type { EdgeRow } from '../observe/features/calls.js';
export type { SagaRow } from '../observe/features/sagas.js';
export type { SloLine } from '../observe/features/slo.js';

export type Health = 'ok' | 'warn' | 'bad';

export interface ReplicaRow {
  readonly id: string;
  /** `region/datacenter` */
  readonly location: string;
  readonly up: boolean;
  readonly inSystem: number;
  readonly waiting: number;
  readonly busyCores: number;
}

/** A service's row: the core figures, and the features' (see FeatureServiceFields). */
export type ServiceRow = CoreServiceRow & FeatureServiceFields;

/** What the features add to a service's row (their views' serviceFields): its call edges, its breakers. */
export type FeatureServiceFields = ServiceFieldsOf<Features>;

export interface CoreServiceRow {
  readonly name: string;
  readonly replicasUp: number;
  readonly replicasTotal: number;
  readonly cores: number;
  /** Requests at the service now (waiting or in progress). */
  readonly inFlight: number;
  /** Requests waiting now (for a slot or a core), summed over replicas. */
  readonly queue: number;
  /** Busy cores / all cores over the recent window. */
  readonly utilization: number;
  readonly throughputPerSec: number;
  /** Failed and refused spans / all that ended, over the recent window. */
  readonly errorRate: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly health: Health;
  readonly slowed: boolean;
  readonly injectedErrors: boolean;
  readonly replicas: readonly ReplicaRow[];
  /** Its figures over the recent closed buckets of simulated time, for the sparklines (absent in made-up rows). */
  readonly history?: ServiceHistory;
}

/** The picture of a live run: the core figures, and the features' (see FeatureFields). */
export type Snapshot = CoreSnapshot & FeatureFields;

/** What the features add to the snapshot (their views' fields): the chart's SLO line, the hop mix, the cache strip. */
export type FeatureFields = FieldsOf<Features>;

export interface CoreSnapshot {
  readonly scenario: string;
  readonly seed: number;
  readonly simMs: number;
  readonly endMs: number;
  readonly warmupMs: number;
  /** The speed asked for (a multiple of real time, or max). */
  readonly speed: number | 'max';
  /** Simulated seconds per wall second over the last frames. */
  readonly actualSpeed: number;
  readonly paused: boolean;
  readonly done: boolean;
  readonly eventsPerSec: number;
  readonly services: readonly ServiceRow[];
  readonly series: readonly SeriesPoint[];
  readonly log: readonly LogEntry[];
  readonly totals: { readonly started: number; readonly completed: number; readonly failed: number; readonly rejected: number };
  /** A lesson's objectives on this run so far (msim lesson run); absent otherwise. */
  readonly objectives?: readonly ObjectiveLine[];
  /** The call graph with each edge's recent figures (absent in made-up snapshots). */
  readonly graph?: CallGraph;
  /** Latency counts in log-scaled buckets over the recent closed buckets of simulated time (absent in made-up snapshots). */
  readonly latency?: LatencyHistory;
}

/** One caller -> callee edge of the call graph, with its figures over the recent window. */
export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  /** Attempts per simulated second (retries and hedges included). */
  readonly ratePerSec: number;
  /** Failed or refused attempts / attempts. */
  readonly errorRate: number;
  /** Retries and hedges / attempts. */
  readonly retryRatio: number;
  /** p99 of its recent successful attempts at the callee (ms). */
  readonly p99Ms: number | null;
}

/** The services (by name, in row order), where requests enter (workloads' services), and the edges: declared calls and any seen. */
export interface CallGraph {
  readonly roots: readonly string[];
  readonly edges: readonly GraphEdge[];
}

/** Latency counts over time, end to end and per service (in row order); one column a bucket of `bucketMs` simulated. */
export interface LatencyHistory {
  readonly bucketMs: number;
  readonly endToEnd: LatencyColumns;
  readonly services: readonly LatencyColumns[];
}

/** One objective as the dashboard shows it: met (true), missed (false) or nothing measured yet (null). */
export interface ObjectiveLine {
  readonly objective: string;
  /** The measured value as text (`143ms`, `0.62`), or `-`. */
  readonly value: string;
  readonly met: boolean | null;
}

/** Thresholds for a row's colour: hot or erroring services stand out. */
export function healthOf(utilization: number, errorRate: number): Health {
  if (utilization >= 0.9 || errorRate >= 0.05) return 'bad';
  if (utilization >= 0.7 || errorRate >= 0.01) return 'warn';
  return 'ok';
}
