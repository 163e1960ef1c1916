// The validated scenario as plain, frozen data: what the model is built from.
import type { DistSpec } from '../engine/distributions.js';
import type { BreakerConfig } from './breaker-presets.js';

export type BalancerKind = 'round-robin' | 'random' | 'least-requests' | 'p2c' | 'ewma';
export const BALANCERS: readonly BalancerKind[] = ['round-robin', 'random', 'least-requests', 'p2c', 'ewma'];

/** Name of the endpoint that service-level `cpu`/`calls` define. */
export const DEFAULT_ENDPOINT = 'default';

export type Locality = 'none' | 'datacenter' | 'region';
export const LOCALITIES: readonly Locality[] = ['none', 'datacenter', 'region'];

export interface CallSpec {
  readonly service: string;
  readonly endpoint: string;
  /** Probability that the call is made at all (default 1). */
  readonly probability: number;
  /** Overrides the callee's locality for this call (null: the callee's). */
  readonly locality: Locality | null;
  /** tcp (default) or shm: shared memory to a replica in the same datacenter, no wire and no kernel stack. */
  readonly transport: Transport;
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

export type Transport = 'tcp' | 'shm';
export const TRANSPORTS: readonly Transport[] = ['tcp', 'shm'];

/** CPU a message costs at each end: `overhead + perKB x size`, for TCP and for shared memory. */
export interface RpcSpec {
  readonly overheadMs: number;
  readonly perKBMs: number;
  readonly shmOverheadMs: number;
  readonly shmPerKBMs: number;
}

export interface EndpointSpec {
  /** The key space its requests draw a key from (null: requests have no key). */
  readonly keys: string | null;
  /** Caches looked up in order before the endpoint's own work (the origin); empty: none. */
  readonly cache: readonly string[];
  /** What its writes do to the cached key in every level, overriding the caches' onWrite (null: each cache's). */
  readonly onWrite: OnWrite | null;
  readonly cpu: DistSpec;
  /** Probability that the endpoint fails after its CPU work (skipping its calls). */
  readonly errors: number;
  /** Steps run in order; the calls of one step run in parallel and are all awaited. */
  readonly steps: readonly (readonly CallSpec[])[];
  /** Message sizes on the wire (KB): the request to this endpoint and its response. */
  readonly requestKB: number;
  readonly responseKB: number;
}

export interface ServiceSpec {
  /** Total replicas (the sum of `placement`). */
  readonly replicas: number;
  /** Replicas per location (`region/dc`), in the order they are numbered. */
  readonly placement: readonly { readonly location: string; readonly replicas: number }[];
  /** How callers choose among this service's replicas by location. */
  readonly locality: Locality;
  readonly cores: number;
  /** Requests in progress at once per replica; null is unlimited. */
  readonly concurrency: number | null;
  /** Requests waiting for a concurrency slot per replica; null is unlimited. */
  readonly queue: number | null;
  readonly balancer: BalancerKind;
  /** Token bucket over the whole service: `ratePerSec` sustained, `burst` at once; excess rejected (429), costing no CPU. */
  readonly rateLimit: { readonly ratePerSec: number; readonly burst: number } | null;
  /** Envoy-style outlier ejection: a replica with this many errors in a row leaves the rotation for ejectForMs x times ejected. */
  readonly outlier: { readonly consecutiveErrors: number; readonly ejectForMs: number; readonly maxEjectedPercent: number } | null;
  /** The shared cache this service is the nodes of (its endpoints get, set and del), or null for an application service. */
  readonly cache: string | null;
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
  /** Where the clients are (`region/dc`). */
  readonly from: string;
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

export type HopClass = 'sameDatacenter' | 'crossDatacenter' | 'crossRegion';
export const HOP_CLASSES: readonly HopClass[] = ['sameDatacenter', 'crossDatacenter', 'crossRegion'];

/** One-way delays between replicas (and clients). Without a `network:` section hops take no time. */
export interface NetworkSpec {
  readonly delay: Readonly<Record<HopClass, DistSpec>>;
  /** Per region pair, `a~b` with the names sorted: overrides crossRegion. */
  readonly links: Readonly<Record<string, DistSpec>>;
  /** USD per GB sent, by hop class. */
  readonly pricePerGB: Readonly<Record<HopClass, number>>;
  /** Bits per second by hop class (null: no serialization delay): a message of B bytes takes 8B/bandwidth more. */
  readonly bandwidthBps: Readonly<Record<HopClass, number | null>>;
  /** Probability that a transmission is lost, by hop class and by region pair (`a~b`, overriding crossRegion). */
  readonly loss: Readonly<Record<HopClass, number>>;
  readonly linkLoss: Readonly<Record<string, number>>;
  /** What a lost transmission costs before it is sent again (TCP's minimum RTO: 200 ms). */
  readonly retransmitTimeoutMs: number;
}

/** A scheduled fault: from `atMs` for `forMs` (null: to the end of the run). */
export type FaultSpec = {
  readonly atMs: number;
  readonly forMs: number | null;
} /** A replica (`svc#0`), a service, a datacenter (`region/dc`) or a region: their replicas die, and restart when it ends. */ & (
  | { readonly kind: 'kill'; readonly target: string }
  /** Extra latency on a service (each request waits, holding its slot) or a link (`a~b`): added, or multiplied. */
  | { readonly kind: 'latency'; readonly target: string; readonly add: DistSpec | null; readonly multiply: number }
  /** Failure probability on a service or an endpoint (`svc.ep`). */
  | { readonly kind: 'errors'; readonly target: string; readonly rate: number }
  /** No message crosses between two regions or datacenters (`a~b`): they are lost. */
  | { readonly kind: 'partition'; readonly target: string }
  /** CPU slowdown on a service (a noisy neighbour): every demand x factor. */
  | { readonly kind: 'cpu'; readonly target: string; readonly factor: number }
  /** Stop-the-world pauses of a service's replicas: every `everyMs`, for `durationMs`. */
  | { readonly kind: 'pause'; readonly target: string; readonly everyMs: number; readonly durationMs: number }
);

/** How popular each key is: Zipf with an exponent, all alike, or a hot set (keyShare of the keys get requestShare of the requests). */
export type PopularitySpec =
  | { readonly kind: 'zipf'; readonly exponent: number }
  | { readonly kind: 'uniform' }
  | { readonly kind: 'hotset'; readonly keyShare: number; readonly requestShare: number };

export interface KeySpaceSpec {
  readonly name: string;
  readonly count: number;
  readonly popularity: PopularitySpec;
  /** Share of requests that write their key (they skip the caches and go to the origin, then invalidate or update). */
  readonly writes: number;
}

export type CacheKind = 'local' | 'shared';
export const CACHE_KINDS: readonly CacheKind[] = ['local', 'shared'];
export type Eviction = 'lru' | 'lfu' | 'fifo' | 'random';
export const EVICTIONS: readonly Eviction[] = ['lru', 'lfu', 'fifo', 'random'];
export type OnWrite = 'invalidate' | 'update';
export const ON_WRITE: readonly OnWrite[] = ['invalidate', 'update'];

export interface CacheSpec {
  readonly name: string;
  /** local: in each replica's memory (lookups cost CPU there); shared: a cache service of its own, over the network. */
  readonly kind: CacheKind;
  /** Entries per copy: each replica's local cache, or each node of a shared cache. */
  readonly capacity: number;
  /** What a copy is given: the capacity, or fewer when fewer keys reach the cache (it could never hold more). */
  readonly entriesPerCopy: number;
  readonly eviction: Eviction;
  /** Entries expire this long after they are filled (null: never). */
  readonly ttlMs: number | null;
  /** What a lookup costs: CPU of the calling replica (local) or of the cache node (shared). */
  readonly hit: DistSpec;
  /** Single-flight: concurrent misses of one key wait for the one fetch from the origin. */
  readonly coalesce: boolean;
  /** Refresh an entry in the background when a hit finds less than this share of its TTL left (null: never). */
  readonly refreshAhead: number | null;
  /** What a write does to the cached key: drop it, or write the new value through. */
  readonly onWrite: OnWrite;
  /** shared: the caller gives up on a lookup after this long and treats it as a miss (null: waits). */
  readonly timeoutMs: number | null;
  /** shared: which nodes a caller uses: all (none), or those in its region or datacenter (a cache per region), farther ones only when none is up. */
  readonly locality: Locality;
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
  /** Regions and their datacenters, in file order; one implicit `local/dc1` when the file has none. */
  readonly regions: Readonly<Record<string, readonly string[]>>;
  readonly network: NetworkSpec | null;
  /** Null: messages cost no CPU. */
  readonly rpc: RpcSpec | null;
  /** How long callers take to learn that a replica went down or came up (health checks + propagation). */
  readonly discoveryDelayMs: number;
  readonly faults: readonly FaultSpec[];
  /** Key spaces and caches, in file order (shared caches are also services, named after the cache). */
  readonly keys: Readonly<Record<string, KeySpaceSpec>>;
  readonly caches: Readonly<Record<string, CacheSpec>>;
}
