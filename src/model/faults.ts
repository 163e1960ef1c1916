// The fault schedule on simulated time: kill, latency, errors, partition, cpu slowdown and pauses, each undone when it ends.
import { createSampler } from '../engine/distributions.js';
import type { RandomStreams } from '../engine/rng.js';
import type { EventTarget, Simulation } from '../engine/simulation.js';
import type { FaultSpec } from '../scenario/spec.js';
import type { Actuators } from './actuators.js';
import type { Replica, Service } from './service.js';

/** What the fault schedule and the what-ifs look services up in. */
export interface ServiceRegistry {
  readonly services: readonly Service[];
  service(name: string): Service;
}

const START = 1;
const END = 2;
const PAUSE = 3;

/** The replicas a kill target names: `svc#0`, a service, a datacenter (`region/dc`) or a region. */
export function replicasOf(world: ServiceRegistry, target: string): Replica[] {
  if (target.includes('#')) {
    const [svc, idx] = target.split('#');
    return [world.service(svc).replicas[Number(idx)]];
  }
  const all = world.services.flatMap((s) => s.replicas);
  if (world.services.some((s) => s.name === target)) return world.service(target).replicas.slice();
  return all.filter((r) => r.location.id === target || r.location.region === target);
}

/**
 * Starts each scheduled fault at its time and undoes it when it ends, through
 * the actuators; each fault is its own source (`fault:<index>`), so faults that
 * overlap add up and one ending leaves the others in force.
 */
export class FaultSchedule implements EventTarget {
  private readonly active: boolean[];

  constructor(
    private readonly sim: Simulation,
    private readonly registry: ServiceRegistry,
    private readonly actuators: Actuators,
    readonly faults: readonly FaultSpec[],
    private readonly streams: RandomStreams,
  ) {
    this.active = faults.map(() => false);
  }

  start(): void {
    this.faults.forEach((f, i) => {
      this.sim.scheduleAt(f.atMs, this, START, i);
    });
  }

  handleEvent(code: number, ref: unknown): void {
    const i = ref as number;
    const f = this.faults[i];
    if (code === START) {
      this.active[i] = true;
      this.apply(f, i, true);
      if (f.forMs !== null) this.sim.schedule(f.forMs, this, END, i);
      if (f.kind === 'pause') this.handleEvent(PAUSE, i);
    } else if (code === END) {
      this.active[i] = false;
      this.apply(f, i, false);
    } else if (code === PAUSE && this.active[i] && f.kind === 'pause') {
      this.actuators.pause(this.registry.service(f.target), f.durationMs);
      this.sim.schedule(f.everyMs, this, PAUSE, i);
    }
  }

  private apply(f: FaultSpec, i: number, on: boolean): void {
    const act = this.actuators;
    const source = `fault:${i}`;
    switch (f.kind) {
      case 'kill':
        for (const r of replicasOf(this.registry, f.target)) {
          if (on) act.kill(r);
          else act.restart(r); // restarts empty (cold)
        }
        return;
      case 'errors': {
        const [svc, ep] = f.target.split('.');
        act.setErrors(this.registry.service(svc), ep ?? null, source, on ? f.rate : 0);
        return;
      }
      case 'cpu':
        if (f.target.includes('#')) for (const r of replicasOf(this.registry, f.target)) act.setReplicaSpeed(r, source, on ? f.factor : 1);
        else act.setSpeed(this.registry.service(f.target), source, on ? f.factor : 1);
        return;
      case 'latency': {
        const add = on && f.add ? createSampler(f.add, this.streams.stream(`fault:${i}:latency`)) : null;
        if (f.target.includes('~')) act.setLinkLatency(f.target, add, on ? f.multiply : 1);
        else act.setLatency(this.registry.service(f.target), source, add, on ? f.multiply : 1);
        return;
      }
      case 'partition':
        act.partition(f.target, on);
        return;
      case 'pause':
        return; // the PAUSE events do the work while it is active
    }
  }
}
