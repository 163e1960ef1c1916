// The immutable picture of a live run that the dashboard draws: plain data, rebuilt every frame.
import type { SeriesPoint } from '../observe/live-metrics.js';
import type { LogEntry } from './run.js';

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

export interface ServiceRow {
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
  /** Its calls to other services that retried, timed out or were refused (counts after the warm-up). */
  readonly edges: readonly {
    readonly to: string;
    readonly calls: number;
    readonly retries: number;
    readonly timeouts: number;
    readonly refused: number;
    readonly hedges: number;
    readonly fallbacks: number;
  }[];
  /** Circuit breakers on this service's calls (name `caller->callee`), with their state. */
  readonly breakers: readonly { readonly name: string; readonly state: 'closed' | 'open' | 'halfOpen'; readonly disabled: boolean }[];
}

/** A cache over the recent window (rates per simulated second); local caches summed over replicas. */
export interface CacheRow {
  readonly name: string;
  readonly kind: 'local' | 'shared';
  /** Replicas (local) or nodes (shared) holding a copy now. */
  readonly copies: number;
  /** Hits / lookups over the recent window (null: no lookups). */
  readonly hitRatio: number | null;
  readonly lookupsPerSec: number;
  readonly evictionsPerSec: number;
  readonly expirationsPerSec: number;
  readonly coalescedPerSec: number;
  /** Since the start. */
  readonly stampedes: number;
}

/** An endpoint with caches: its requests and those reaching its origin, per simulated second over the recent window. */
export interface OriginRow {
  readonly endpoint: string;
  readonly requestsPerSec: number;
  readonly originPerSec: number;
}

export interface Snapshot {
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
  /** The latency objective drawn on the chart (the scenario's p99, else its highest percentile), if any. */
  readonly slo: { readonly metric: string; readonly targetMs: number } | null;
  readonly log: readonly LogEntry[];
  /** Messages sent since the start by hop class (same datacenter, across datacenters, across regions); null without a network. */
  readonly hops: readonly [number, number, number] | null;
  readonly totals: { readonly started: number; readonly completed: number; readonly failed: number; readonly rejected: number };
  /** Empty when the scenario has no caches. */
  readonly caches: readonly CacheRow[];
  readonly origins: readonly OriginRow[];
}

/** Thresholds for a row's colour: hot or erroring services stand out. */
export function healthOf(utilization: number, errorRate: number): Health {
  if (utilization >= 0.9 || errorRate >= 0.05) return 'bad';
  if (utilization >= 0.7 || errorRate >= 0.01) return 'warn';
  return 'ok';
}
