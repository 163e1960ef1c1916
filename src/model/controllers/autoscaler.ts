// A horizontal autoscaler per service with the Kubernetes HPA algorithm: ratio to target, tolerance, stabilization windows, rate limits, cold starts.
import { type Sampler, createSampler } from '../../engine/distributions.js';
import type { RandomStreams } from '../../engine/rng.js';
import type { EventTarget, Simulation } from '../../engine/simulation.js';
import { type AutoscaleSpec, DEFAULT_COLD_START } from '../../scenario/sections/autoscale.js';
import type { Actuators } from '../actuators.js';
import type { Replica, Service } from '../service.js';

/** One scaling decision: from and to replicas, at a time, with the metric (averaged over ready replicas) that led to it. */
export interface ScaleDecision {
  readonly atMs: number;
  readonly from: number;
  readonly to: number;
  readonly metric: number;
}

const SYNC = 1;

/**
 * Every `every` (the HPA's sync period) the autoscaler reads its metric over the
 * ready replicas that were ready through the last period (a replica's busy core
 * time, its arrivals; or the requests in flight now) and computes, as the
 * Kubernetes HPA controller does:
 * - the ratio metric / target; within the tolerance of 1, no change;
 * - scaling up, the replicas still starting count with a metric of 0 (so a cold
 *   start in progress is not scaled for twice); desired = ceil(sum / target);
 * - the recommendation is stabilized: the lowest of those within scaleUp's window
 *   and the highest within scaleDown's (300 s by default: scale-down is slow);
 * - clamped to [min, max], then to the rate limits: replicas added within scaleUp's
 *   period at most max(maxPods, maxPercent of the count at the period's start),
 *   removed within scaleDown's likewise.
 * Added replicas pass through a cold start (taking no traffic); removed ones drain
 * (those still starting go first).
 */
export class Autoscaler implements EventTarget {
  readonly decisions: ScaleDecision[] = [];
  private readonly coldStart: Sampler;
  /** Raw recommendations with their times (for the stabilization windows). */
  private readonly recommendations: { atMs: number; replicas: number }[] = [];
  /** Scale events (atMs, change in replicas) for the rate limits. */
  private readonly events: { atMs: number; delta: number }[] = [];
  /** By replica uid: busy core-ms and arrivals at the last sync, for those ready then. */
  private readonly lastBusy = new Map<Replica, { busyMs: number; arrivals: number; atMs: number }>();

  constructor(
    readonly service: Service,
    readonly spec: AutoscaleSpec,
    private readonly sim: Simulation,
    private readonly actuators: Actuators,
    streams: RandomStreams,
  ) {
    this.coldStart = createSampler(service.spec.coldStart ?? DEFAULT_COLD_START, streams.stream(`autoscale:${service.name}:cold-start`));
  }

  start(): void {
    this.sample(this.sim.nowMs);
    this.sim.schedule(this.spec.everyMs, this, SYNC, null);
  }

  /** Replicas counted as the deployment's: ready or starting (not draining or down). */
  get current(): number {
    let n = 0;
    for (const r of this.service.replicas) if (r.state === 'ready' || r.state === 'starting') n++;
    return n;
  }

  handleEvent(): void {
    const now = this.sim.nowMs;
    this.sync(now);
    this.sim.schedule(this.spec.everyMs, this, SYNC, null);
  }

  private sync(nowMs: number): void {
    const spec = this.spec;
    const current = this.current;
    // the metric, summed over the replicas ready through the last period
    let sum = 0;
    let counted = 0;
    let starting = 0;
    for (const r of this.service.replicas) {
      if (r.state === 'starting') starting++;
      if (r.state !== 'ready') continue;
      const last = this.lastBusy.get(r);
      if (last === undefined || nowMs <= last.atMs) {
        starting++; // ready since the last sync, not yet measured: as the HPA treats a pod without metrics, like one starting
        continue;
      }
      const spanMs = nowMs - last.atMs;
      if (spec.metric === 'utilization') sum += (r.cpu.busyTimeMs(nowMs) - last.busyMs) / (r.service.cores * spanMs);
      else if (spec.metric === 'rps') sum += ((r.arrivals - last.arrivals) * 1000) / spanMs;
      else sum += r.inSystem;
      counted++;
    }
    this.sample(nowMs);
    if (counted === 0) return;
    const metric = sum / counted;
    const ratio = metric / spec.target;
    let desired = current;
    if (ratio > 1 + spec.tolerance) {
      // scaling up: replicas still starting count with a metric of 0
      const ratioAll = sum / ((counted + starting) * spec.target);
      if (ratioAll > 1 + spec.tolerance) desired = Math.ceil(sum / spec.target);
    } else if (ratio < 1 - spec.tolerance) {
      desired = Math.ceil(sum / spec.target) + starting;
    }
    desired = Math.min(spec.max, Math.max(spec.min, desired));
    const next = this.limit(this.stabilize(nowMs, desired, current), current, nowMs);
    if (next === current) return;
    this.decisions.push({ atMs: nowMs, from: current, to: next, metric });
    this.events.push({ atMs: nowMs, delta: next - current });
    const keepMs = Math.max(this.spec.scaleUp.periodMs, this.spec.scaleDown.periodMs);
    while (this.events[0].atMs <= nowMs - keepMs) this.events.shift();
    if (next > current) {
      for (let i = current; i < next; i++) this.actuators.addReplica(this.service, Math.max(0, this.coldStart.sample()));
    } else {
      for (let i = next; i < current; i++) {
        if (this.actuators.cancelStarting(this.service) === null) this.actuators.removeReplica(this.service);
      }
    }
  }

  /** The lowest recommendation within the scale-up window, the highest within the scale-down window, applied to the current count. */
  private stabilize(nowMs: number, desired: number, current: number): number {
    const { scaleUp, scaleDown } = this.spec;
    this.recommendations.push({ atMs: nowMs, replicas: desired });
    const keepMs = Math.max(scaleUp.stabilizationMs, scaleDown.stabilizationMs);
    while (this.recommendations.length > 0 && this.recommendations[0].atMs < nowMs - keepMs) this.recommendations.shift();
    let up = desired;
    let down = desired;
    for (const r of this.recommendations) {
      if (r.atMs >= nowMs - scaleUp.stabilizationMs) up = Math.min(up, r.replicas);
      if (r.atMs >= nowMs - scaleDown.stabilizationMs) down = Math.max(down, r.replicas);
    }
    let next = current;
    if (next < up) next = up;
    if (next > down) next = down;
    return next;
  }

  /** The rate limits: per direction, the largest change its policies allow within its period. */
  private limit(next: number, current: number, nowMs: number): number {
    const changed = (periodMs: number, sign: 1 | -1) => {
      let n = 0;
      for (const e of this.events) if (e.atMs > nowMs - periodMs && Math.sign(e.delta) === sign) n += Math.abs(e.delta);
      return n;
    };
    if (next > current) {
      const b = this.spec.scaleUp;
      const start = current - changed(b.periodMs, 1);
      let most = current;
      if (b.maxPods !== null) most = Math.max(most, start + b.maxPods);
      if (b.maxPercent !== null) most = Math.max(most, Math.ceil(start * (1 + b.maxPercent)));
      return Math.min(next, most);
    }
    if (next < current) {
      const b = this.spec.scaleDown;
      const start = current + changed(b.periodMs, -1);
      let least = current;
      if (b.maxPods !== null) least = Math.min(least, start - b.maxPods);
      if (b.maxPercent !== null) least = Math.min(least, Math.ceil(start * (1 - b.maxPercent)));
      return Math.max(next, least);
    }
    return next;
  }

  /** Remember each ready replica's busy time and arrivals now (the start of the next period). */
  private sample(nowMs: number): void {
    for (const r of this.service.replicas) {
      if (r.state !== 'ready') {
        this.lastBusy.delete(r);
        continue;
      }
      r.cpu.trackBusyTime();
      this.lastBusy.set(r, { busyMs: r.cpu.busyTimeMs(nowMs), arrivals: r.arrivals, atMs: nowMs });
    }
  }
}
