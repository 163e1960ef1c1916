// The validated scenario as plain, frozen data: what the model is built from.
import type { DistSpec } from '../engine/distributions.js';

export type BalancerKind = 'round-robin' | 'random' | 'least-requests' | 'p2c';
export const BALANCERS: readonly BalancerKind[] = ['round-robin', 'random', 'least-requests', 'p2c'];

/** Name of the endpoint that service-level `cpu`/`calls` define. */
export const DEFAULT_ENDPOINT = 'default';

export interface CallSpec {
  readonly service: string;
  readonly endpoint: string;
  /** Probability that the call is made at all (default 1). */
  readonly probability: number;
}

export interface EndpointSpec {
  readonly cpu: DistSpec;
  /** Probability that the endpoint fails after its CPU work (skipping its calls). */
  readonly errors: number;
  /** Steps run in order; the calls of one step run in parallel and are all awaited. */
  readonly steps: readonly (readonly CallSpec[])[];
}

export interface ServiceSpec {
  readonly replicas: number;
  readonly cores: number;
  /** Requests in progress at once per replica; null is unlimited. */
  readonly concurrency: number | null;
  /** Requests waiting for a concurrency slot per replica; null is unlimited. */
  readonly queue: number | null;
  readonly balancer: BalancerKind;
  readonly endpoints: Readonly<Record<string, EndpointSpec>>;
}

export type ArrivalSpec =
  | { readonly kind: 'poisson'; readonly ratePerSec: number }
  | { readonly kind: 'constant'; readonly ratePerSec: number }
  | { readonly kind: 'closed'; readonly users: number; readonly think: DistSpec };

/** One point of a rate schedule: from `atMs` on, the rate is `ratePerSec` (reached linearly over `rampMs`). */
export interface RatePoint {
  readonly atMs: number;
  readonly ratePerSec: number;
  readonly rampMs: number;
}

export interface WorkloadSpec {
  readonly name: string;
  readonly service: string;
  readonly endpoint: string;
  readonly arrivals: ArrivalSpec;
  readonly schedule: readonly RatePoint[];
}

/** Service-level objectives on end-to-end requests (any of them may be absent). */
export interface SloSpec {
  /** Latency objectives in ms, by percentile key: p50, p90, p95, p99, p999. */
  readonly latencyMs: Readonly<Partial<Record<'p50' | 'p90' | 'p95' | 'p99' | 'p999', number>>>;
  /** Highest acceptable share of requests that fail or are rejected. */
  readonly errorRate: number | null;
}

export interface ScenarioSpec {
  readonly name: string;
  readonly description: string;
  readonly seed: number;
  readonly durationMs: number;
  readonly warmupMs: number;
  readonly workloads: readonly WorkloadSpec[];
  /** In file order. */
  readonly services: Readonly<Record<string, ServiceSpec>>;
  readonly slo: SloSpec | null;
}
