// The levers on a running model, one set shared by the fault schedule, the dashboard's what-ifs and (next) controllers.
import type { Sampler } from '../engine/distributions.js';
import type { CacheLevel } from './cache.js';
import type { Network } from './network.js';
import { CpuSpeed } from './cpu.js';
import type { CallGear } from './resilience.js';
import type { Router } from './router.js';
import { type Endpoint, LatencyFault, type Replica, type Service } from './service.js';
import type { Workload } from './workload.js';

/** What the actuators act on. */
export interface Plant {
  readonly services: readonly Service[];
  readonly workloads: readonly Workload[];
  readonly caches: readonly CacheLevel[];
  readonly router: Router;
  readonly network: Network | null;
  readonly gear: CallGear;
}

/**
 * Every change made to a running model goes through here. Effects that can
 * overlap are kept by source (`what-if`, `fault:2`, later `autoscaler`), so
 * that one ending never undoes another: CPU speed factors multiply, injected
 * error rates add up, latency waits add up.
 */
export class Actuators {
  /** Injected error rate by endpoint, by source. */
  private readonly errors = new Map<Endpoint, Map<string, number>>();

  constructor(private readonly plant: Plant) {}

  /** Scale out: a replica in the service's first location, taking traffic once callers discover it (after a cold start, if any). */
  addReplica(service: Service, coldStartMs = 0): Replica {
    return service.addReplica(coldStartMs);
  }

  /** Scale in: the last replica up goes down and drains its requests. Null when only one is up. */
  removeReplica(service: Service): Replica | null {
    const up = service.upReplicas();
    if (up.length <= 1) return null;
    const r = up[up.length - 1];
    r.setUp(false);
    return r;
  }

  /** Scale in by one replica still starting (it never took a request). Null when none is. */
  cancelStarting(service: Service): Replica | null {
    for (let i = service.replicas.length - 1; i >= 0; i--) {
      const r = service.replicas[i];
      if (r.state === 'starting') {
        r.abortStart();
        return r;
      }
    }
    return null;
  }

  /** Kill a replica: its requests fail, its memory (cache copies) is lost. */
  kill(replica: Replica): void {
    replica.kill();
  }

  /** Bring a killed or removed replica back (empty: cold caches). */
  restart(replica: Replica): void {
    replica.restart();
  }

  /** Multiply the CPU demand of the service's work by `factor` for this source (1: none). */
  setSpeed(service: Service, source: string, factor: number): void {
    service.speed.set(source, factor);
  }

  /** Multiply the CPU demand of one replica's work by `factor` for this source, on top of its service's factors. */
  setReplicaSpeed(replica: Replica, source: string, factor: number): void {
    const cpu = replica.cpu;
    if (cpu.speed === replica.service.speed) {
      if (factor === 1) return;
      cpu.speed = new CpuSpeed(replica.service.speed);
    }
    cpu.speed.set(source, factor);
  }

  /** Inject a failure probability into the service's endpoints (or one of them), for this source (0: none). */
  setErrors(service: Service, endpoint: string | null, source: string, rate: number): void {
    for (const ep of service.endpoints.values()) {
      if (endpoint !== null && ep.name !== endpoint) continue;
      let bySource = this.errors.get(ep);
      if (!bySource) this.errors.set(ep, (bySource = new Map()));
      if (rate === 0) bySource.delete(source);
      else bySource.set(source, rate);
      let total = 0;
      for (const r of bySource.values()) total += r;
      ep.injectedErrorRate = total;
    }
  }

  /** The error rate a source injects into a service (its first endpoint's; sources inject into all or one). */
  errorsOf(service: Service, source: string): number {
    for (const ep of service.endpoints.values()) {
      const r = this.errors.get(ep)?.get(source);
      if (r !== undefined) return r;
    }
    return 0;
  }

  /** Make each request at the service wait after its first CPU work: a drawn delay, plus (multiply - 1) x its CPU time. */
  setLatency(service: Service, source: string, add: Sampler | null, multiply: number): void {
    const fault = service.latencyFault ?? new LatencyFault();
    fault.set(source, add, multiply);
    service.latencyFault = fault.empty ? null : fault;
  }

  /** Slow a link between two regions (`a~b`): its hops' delays multiplied, plus a drawn delay. */
  setLinkLatency(link: string, add: Sampler | null, multiply: number): void {
    this.plant.network?.setLinkFault(link, add, multiply);
  }

  /** Cut two regions or datacenters (`a~b`) off from each other, or join them again. */
  partition(pair: string, on: boolean): void {
    this.plant.router.setPartition(pair, on);
  }

  /** Stop the service's cores for a while (a stop-the-world pause). */
  pause(service: Service, durationMs: number): void {
    for (const r of service.replicas) r.pause(durationMs);
  }

  /** Multiply a workload's offered load from now on. */
  scaleLoad(workload: Workload, factor: number): void {
    workload.scaleLoad(factor);
  }

  /** Switch the circuit breakers of a service's calls off (every call goes through) or back on. */
  setBreakersDisabled(service: Service, disabled: boolean): void {
    this.plant.gear.setBreakersDisabled(service, disabled);
  }

  /** Empty every cache copy the service's replicas hold (local caches, or a shared cache's nodes). Returns the entries dropped. */
  flushCaches(service: Service): number {
    // the contents go; fetches in progress stay counted, so single-flight waiters are still woken
    let entries = 0;
    for (const r of service.replicas) {
      for (const level of this.plant.caches) {
        const copy = level.copyAt(r);
        if (copy === undefined) continue;
        entries += copy.store.size;
        copy.store.clear();
      }
    }
    return entries;
  }

  /** Do the service's replicas hold any cache copy? */
  holdsCaches(service: Service): boolean {
    return service.replicas.some((r) => this.plant.caches.some((level) => level.copyAt(r) !== undefined));
  }
}
