// The context the model's parts run in: the clock, the observers, the warm-up, the router; each part sees its own port of it.
import type { RandomStreams } from '../engine/rng.js';
import { Simulation } from '../engine/simulation.js';
import type { BreakerEnv } from './breaker.js';
import type { CacheEnv } from './cache.js';
import { type ModelListener, nullListener } from './listener.js';
import type { CallEnv, CallGear } from './resilience.js';
import type { Router, RouterEnv } from './router.js';
import type { Replica, ReplicaEnv, ReplicaHooks } from './service.js';
import type { WorkloadEnv } from './workload.js';

/**
 * One object satisfies every part's environment port (ReplicaEnv, RouterEnv,
 * CallEnv, ...): the parts import only their own port, never this module, so
 * the model's imports run one way. Assembly makes it, then fills in the router
 * and the call gear once they exist.
 */
export class ModelContext implements ReplicaEnv, RouterEnv, CallEnv, WorkloadEnv, BreakerEnv, CacheEnv {
  readonly sim = new Simulation();
  /** The observers (a run sets its collectors here). */
  listener: ModelListener = nullListener;
  router!: Router;
  gear!: CallGear;
  /** Every replica of every service, in service order (a local cache's copies are in its callers' replicas). */
  allReplicas: () => Replica[] = () => [];
  private replicaUids = 0;

  constructor(
    readonly seed: number,
    readonly streams: RandomStreams,
    readonly warmupMs: number,
    readonly durationMs: number,
    readonly discoveryDelayMs: number,
    readonly locationCount: number,
    readonly hooks: ReplicaHooks,
  ) {}

  nextReplicaUid(): number {
    return this.replicaUids++;
  }
}
