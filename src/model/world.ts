// The assembled model: its parts (services, workloads, caches, router, gear, actuators) as assemble() made them, ready to run.
import type { Simulation } from '../engine/simulation.js';
import type { RpcSpec, ScenarioSpec } from '../scenario/spec.js';
import type { Actuators } from './actuators.js';
import type { Breaker } from './breaker.js';
import type { Broker } from './broker.js';
import type { CacheLevel } from './cache.js';
import type { ModelContext } from './context.js';
import type { FaultSchedule } from './faults.js';
import type { ModelListener } from './listener.js';
import type { Location, Network } from './network.js';
import type { CallGear, Edge } from './resilience.js';
import type { Router } from './router.js';
import type { Service } from './service.js';
import type { Workload } from './workload.js';
import type { SagaDef } from './saga.js';
import type { Autoscaler } from './controllers/autoscaler.js';

/** What assemble() hands the world. */
export interface WorldParts {
  readonly ctx: ModelContext;
  readonly services: Service[];
  readonly workloads: Workload[];
  readonly caches: CacheLevel[];
  readonly edges: Edge[];
  readonly locations: Location[];
  readonly network: Network | null;
  readonly router: Router;
  readonly gear: CallGear;
  readonly actuators: Actuators;
  readonly faultSchedule: FaultSchedule;
  readonly hasTimeouts: boolean;
  /** Where each key space's keys begin (key spaces are numbered one after another). */
  readonly keyOffsets: ReadonlyMap<string, number>;
  /** Topics and their consumer groups, or null without topics. */
  readonly broker?: Broker | null;
  /** The scenario's sagas, in file order. */
  readonly sagas: SagaDef[];
  /** The services' autoscalers (none without autoscale:). */
  readonly autoscalers?: Autoscaler[];
}

/**
 * The simulated system: a container of the parts assemble() built from a
 * spec and a seed, and what observers and the run read. A pure function of
 * (spec, seed): every random number comes from a stream named after its
 * purpose and seeded from the run seed. It does nothing itself but start.
 */
export class World {
  readonly ctx: ModelContext;
  readonly services: Service[];
  readonly workloads: Workload[];
  /** The scenario's caches, in file order (a shared one's nodes are also a service). */
  readonly caches: CacheLevel[];
  /** Caller -> callee service pairs with calls under a resilience policy, in the order they were made. */
  readonly edges: Edge[];
  readonly locations: Location[];
  readonly network: Network | null;
  readonly router: Router;
  /** Calling replicas' breakers and bulkheads. */
  readonly gear: CallGear;
  /** The levers: faults, what-ifs and controllers change the running model through these. */
  readonly actuators: Actuators;
  /** Some call has a timeout or hedges: spans may be abandoned (wasted work is then tracked). */
  readonly hasTimeouts: boolean;
  /** Topics and their consumer groups (null: the scenario has none). */
  readonly broker: Broker | null;
  /** The scenario's sagas, in file order (empty without any). */
  readonly sagas: SagaDef[];
  /** The services' autoscalers, in service order (empty without any). */
  readonly autoscalers: Autoscaler[];
  private readonly faultSchedule: FaultSchedule;
  private readonly keyOffsets: ReadonlyMap<string, number>;
  private readonly byName = new Map<string, Service>();
  private readonly locationById = new Map<string, Location>();
  private started = false;

  constructor(
    readonly spec: ScenarioSpec,
    parts: WorldParts,
  ) {
    this.ctx = parts.ctx;
    this.services = parts.services;
    this.workloads = parts.workloads;
    this.caches = parts.caches;
    this.edges = parts.edges;
    this.locations = parts.locations;
    this.network = parts.network;
    this.router = parts.router;
    this.gear = parts.gear;
    this.actuators = parts.actuators;
    this.hasTimeouts = parts.hasTimeouts;
    this.faultSchedule = parts.faultSchedule;
    this.keyOffsets = parts.keyOffsets;
    this.broker = parts.broker ?? null;
    this.sagas = parts.sagas;
    this.autoscalers = parts.autoscalers ?? [];
    for (const s of this.services) this.byName.set(s.name, s);
    for (const l of this.locations) this.locationById.set(l.id, l);
  }

  get sim(): Simulation {
    return this.ctx.sim;
  }

  get listener(): ModelListener {
    return this.ctx.listener;
  }

  set listener(listener: ModelListener) {
    this.ctx.listener = listener;
  }

  get seed(): number {
    return this.ctx.seed;
  }

  get warmupMs(): number {
    return this.ctx.warmupMs;
  }

  get durationMs(): number {
    return this.ctx.durationMs;
  }

  get rpc(): RpcSpec | null {
    return this.spec.rpc;
  }

  /** Circuit breakers by name (`caller->callee`, the caller a replica id or a service), in the order they were made. */
  get breakers(): ReadonlyMap<string, Breaker> {
    return this.gear.breakers;
  }

  service(name: string): Service {
    const s = this.byName.get(name);
    if (!s) throw new Error(`unknown service ${name}`);
    return s;
  }

  location(id: string): Location {
    const l = this.locationById.get(id);
    if (!l) throw new Error(`unknown location ${id}`);
    return l;
  }

  /** A key as people read it: `products#0` is the most popular product. */
  keyName(key: number): string {
    let name = '?';
    let base = 0;
    for (const [space, offset] of this.keyOffsets) {
      if (offset > key) break;
      name = space;
      base = offset;
    }
    return `${name}#${key - base}`;
  }

  /** Schedule the workloads' first arrivals and the fault schedule. Idempotent. */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const w of this.workloads) w.start();
    this.faultSchedule.start();
    for (const a of this.autoscalers) a.start();
  }
}
