// The fault schedule on simulated time: kill, latency, errors, partition, cpu slowdown and pauses, each undone when it ends.
import { createSampler } from '../engine/distributions.js';
import type { RandomStreams } from '../engine/rng.js';
import type { EventTarget } from '../engine/simulation.js';
import type { FaultSpec } from '../scenario/spec.js';
import type { Replica, Service } from './service.js';
import type { World } from './world.js';

const START = 1;
const END = 2;
const PAUSE = 3;

/** The replicas a kill target names: `svc#0`, a service, a datacenter (`region/dc`) or a region. */
export function replicasOf(world: World, target: string): Replica[] {
  if (target.includes('#')) {
    const [svc, idx] = target.split('#');
    return [world.service(svc).replicas[Number(idx)]];
  }
  const all = world.services.flatMap((s) => s.replicas);
  if (world.services.some((s) => s.name === target)) return world.service(target).replicas.slice();
  return all.filter((r) => r.location.id === target || r.location.region === target);
}

export class FaultSchedule implements EventTarget {
  private readonly active: boolean[];

  constructor(
    private readonly world: World,
    readonly faults: readonly FaultSpec[],
    private readonly streams: RandomStreams,
  ) {
    this.active = faults.map(() => false);
  }

  start(): void {
    this.faults.forEach((f, i) => {
      this.world.sim.scheduleAt(f.atMs, this, START, i);
    });
  }

  handleEvent(code: number, ref: unknown): void {
    const i = ref as number;
    const f = this.faults[i];
    if (code === START) {
      this.active[i] = true;
      this.apply(f, i, true);
      if (f.forMs !== null) this.world.sim.schedule(f.forMs, this, END, i);
      if (f.kind === 'pause') this.handleEvent(PAUSE, i);
    } else if (code === END) {
      this.active[i] = false;
      this.apply(f, i, false);
    } else if (code === PAUSE && this.active[i] && f.kind === 'pause') {
      for (const r of this.world.service(f.target).replicas) r.pause(f.durationMs);
      this.world.sim.schedule(f.everyMs, this, PAUSE, i);
    }
  }

  private apply(f: FaultSpec, i: number, on: boolean): void {
    const world = this.world;
    switch (f.kind) {
      case 'kill':
        for (const r of replicasOf(world, f.target)) {
          if (on) r.kill();
          else r.setUp(true); // restarts empty (cold)
        }
        return;
      case 'errors': {
        const [svc, ep] = f.target.split('.');
        const s = world.service(svc);
        for (const e of s.endpoints.values()) if (ep === undefined || e.name === ep) e.faultErrorRate = on ? f.rate : 0;
        return;
      }
      case 'cpu':
        world.service(f.target).faultCpuFactor = on ? f.factor : 1;
        return;
      case 'latency': {
        if (f.target.includes('~')) {
          world.network?.setLinkFault(
            f.target,
            on ? (f.add ? createSampler(f.add, this.streams.stream(`fault:${i}:latency`)) : null) : null,
            on ? f.multiply : 1,
          );
          return;
        }
        const s: Service = world.service(f.target);
        s.faultDelay = on && f.add ? createSampler(f.add, this.streams.stream(`fault:${i}:latency`)) : null;
        s.faultLatencyFactor = on ? f.multiply : 1;
        return;
      }
      case 'partition':
        world.setPartition(f.target, on);
        return;
      case 'pause':
        return; // the PAUSE events do the work while it is active
    }
  }
}
