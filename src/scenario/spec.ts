// The validated scenario as plain, frozen data (what the model is built from): every section's parts, joined.
import type { Section, SpecParts } from './section.js';
import type { SECTIONS } from './sections/index.js';

export { DEFAULT_ENDPOINT } from './raw.js';
export { BALANCERS, type BalancerKind } from './sections/core.js';
export type { ArrivalSpec, RatePoint, WorkloadSpec } from './sections/workloads.js';
export type { SloSpec } from './sections/slo.js';
export { HOP_CLASSES, type HopClass, LOCALITIES, type Locality, type NetworkSpec } from './sections/topology.js';
export {
  type BackoffSpec,
  type BreakerSpec,
  type HedgeSpec,
  JITTERS,
  type Jitter,
  RETRY_ON,
  type RetryOn,
  type RetrySpec,
} from './sections/resilience.js';
export type { FaultSpec } from './sections/faults.js';
export {
  CACHE_KINDS,
  type CacheKind,
  type CacheSpec,
  EVICTIONS,
  type Eviction,
  type KeySpaceSpec,
  ON_WRITE,
  type OnWrite,
  type PopularitySpec,
} from './sections/caches.js';
export { type RpcSpec, TRANSPORTS, type Transport } from './sections/rpc.js';

type PartsOf<S> = S extends Section<infer P> ? P : never;
type PartAt<P, K extends keyof SpecParts> = P extends unknown ? (K extends keyof P ? NonNullable<P[K]> : never) : never;
type Joined<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;
/** The parts every section builds at one level, joined. */
type Parts<K extends keyof SpecParts> = Joined<PartAt<PartsOf<(typeof SECTIONS)[number]>, K>>;

export interface CallSpec extends Parts<'call'> {}

export interface EndpointSpec extends Parts<'endpoint'> {
  /** Steps run in order; the calls of one step run in parallel and are all awaited. */
  readonly steps: readonly (readonly CallSpec[])[];
}

export interface ServiceSpec extends Parts<'service'> {
  readonly endpoints: Readonly<Record<string, EndpointSpec>>;
}

export interface ScenarioSpec extends Parts<'top'> {
  /** In file order. */
  readonly services: Readonly<Record<string, ServiceSpec>>;
}
export type { Acks, BrokerSpec, ConsumerSpec, TopicSpec } from './sections/topics.js';
