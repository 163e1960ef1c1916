// A CPU under a container CPU limit: the Linux CFS bandwidth controller's quota per period, work past it waits for the next period.
import type { Simulation } from '../engine/simulation.js';
import { CPU_DONE, Cpu, type CpuEvents, type CpuJob, type CpuOwner, type CpuSpeed } from './cpu.js';
import type { DeployEventKind } from './deploy-events.js';

/** A service's CFS bandwidth: `quotaMs` of CPU time (core x ms) per `periodMs` (cpuLimit x period). */
export interface CfsBandwidth {
  readonly quotaMs: number;
  readonly periodMs: number;
}

/** Where a CFS CPU reports its throttling (the model's observers, about the owner). */
export interface CfsEvents<O> extends CpuEvents<O> {
  readonly listener: CpuEvents<O>['listener'] & { deployEvent(owner: O, kind: DeployEventKind, value: number): void };
}

const THROTTLE = 10;
const PERIOD = 11;
/** Work ending within this of a throttle finishes (float noise, not work left). */
const EPS_MS = 1e-9;

/**
 * Cores like Cpu's, whose running work draws on a quota refilled at each period
 * boundary (periods count from time 0). Work in progress on b cores uses the quota
 * at b core-ms per ms; when it runs out, every core of the replica stands still
 * until the period ends (a throttle, as the kernel dequeues the cgroup), then the
 * quota is refilled and the work goes on. A replica with 4 threads busy and a
 * 1-core limit burns a 100 ms period's quota in 25 ms and stalls for 75 ms.
 * Pauses (GC, chaos) use no quota. Busy cores stay busy while throttled (their
 * threads are runnable, held by the quota).
 *
 * One timer per CPU, and only while some core is busy: at the moment the quota
 * runs out at the current number of busy cores, or else at the period's end.
 */
export class CfsCpu<J extends CpuJob, O extends CpuOwner<J>> extends Cpu<J, O> {
  private quotaLeftMs: number;
  /** Index of the current period ([index x period, (index+1) x period)). */
  private periodIndex = 0;
  private periodEndMs: number;
  /** CPU time used in the current period (for nr_periods). */
  private usedMs = 0;
  /** Quota accounted up to here. */
  private lastMs = 0;
  private timer = -1;

  constructor(
    cores: number,
    speed: CpuSpeed,
    sim: Simulation,
    owner: O,
    private readonly cfsEvents: CfsEvents<O>,
    private readonly bandwidth: CfsBandwidth,
  ) {
    super(cores, speed, sim, owner, cfsEvents);
    this.quotaLeftMs = bandwidth.quotaMs;
    this.periodIndex = Math.floor(sim.nowMs / bandwidth.periodMs);
    this.periodEndMs = (this.periodIndex + 1) * bandwidth.periodMs;
    this.lastMs = sim.nowMs;
  }

  override handleEvent(code: number, ref: unknown): void {
    if (code === THROTTLE) {
      this.timer = -1;
      this.account(this.sim.nowMs);
      this.quotaLeftMs = 0; // the timer was set for this moment at this number of busy cores
      this.throttle();
      this.plan();
    } else if (code === PERIOD) {
      this.timer = -1;
      this.account(this.sim.nowMs);
      this.plan();
    } else {
      super.handleEvent(code, ref);
    }
  }

  override pause(durationMs: number): void {
    this.account(this.sim.nowMs);
    super.pause(durationMs);
    this.plan();
  }

  protected override setBusy(busy: number): void {
    this.account(this.sim.nowMs);
    super.setBusy(busy);
    this.plan();
  }

  /** Use quota for the work done since lastMs (busy cores x time not paused); refill at a period boundary. */
  private account(nowMs: number): void {
    const periodMs = this.bandwidth.periodMs;
    if (nowMs >= this.periodEndMs) {
      // a new period (the timer wakes at each boundary while a core is busy, so none passed with work undone)
      if (this.usedMs > 0) this.cfsEvents.listener.deployEvent(this.owner, 'cfsPeriod', 1);
      let index = Math.max(this.periodIndex + 1, Math.floor(nowMs / periodMs));
      while ((index + 1) * periodMs <= nowMs) index++;
      this.periodIndex = index;
      this.periodEndMs = (index + 1) * periodMs;
      this.quotaLeftMs = this.bandwidth.quotaMs;
      this.usedMs = 0;
      this.lastMs = Math.max(this.lastMs, index * periodMs);
    }
    const runFromMs = Math.max(this.lastMs, this.pausedUntilMs);
    if (this.busy > 0 && nowMs > runFromMs) {
      const used = this.busy * (nowMs - runFromMs);
      this.quotaLeftMs -= used;
      this.usedMs += used;
    }
    this.lastMs = nowMs;
  }

  /** Set the timer: when the quota runs out at this many busy cores, or else the period's end; none while idle. */
  private plan(): void {
    if (this.timer >= 0) {
      this.sim.cancel(this.timer);
      this.timer = -1;
    }
    if (this.busy === 0) return;
    const runFromMs = Math.max(this.sim.nowMs, this.pausedUntilMs);
    const outMs = runFromMs + Math.max(0, this.quotaLeftMs) / this.busy;
    if (runFromMs < this.periodEndMs && outMs < this.periodEndMs) this.timer = this.sim.scheduleAt(outMs, this, THROTTLE, null);
    else this.timer = this.sim.scheduleAt(this.periodEndMs, this, PERIOD, null);
  }

  /** The quota ran out: the work on the cores stands still until the period ends (work ending now finishes). */
  private throttle(): void {
    const nowMs = this.sim.nowMs;
    const untilMs = this.periodEndMs;
    if (untilMs <= this.pausedUntilMs) return;
    const from = Math.max(nowMs, this.pausedUntilMs);
    let stalled = this.runQueue.length;
    for (const job of this.owner.cpuJobs()) {
      if (job.cpuTimer < 0 || job.cpuEndMs <= nowMs + EPS_MS) continue;
      stalled++;
      this.sim.cancel(job.cpuTimer);
      job.cpuEndMs += untilMs - from;
      job.cpuTimer = this.sim.scheduleAt(job.cpuEndMs, this, CPU_DONE, job);
    }
    this.pausedUntilMs = untilMs;
    if (stalled > 0) this.cfsEvents.listener.deployEvent(this.owner, 'throttled', untilMs - from);
  }
}
