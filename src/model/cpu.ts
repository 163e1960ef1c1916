// A replica's CPU: cores served first come first served, stop-the-world pauses, a speed made of factors by source, busy time.
import { RingQueue } from '../engine/ring-queue.js';
import type { EventTarget, Simulation } from '../engine/simulation.js';

/** What the CPU keeps on a job while it runs or waits (a span). */
export interface CpuJob {
  /** Timer of the work on a core, or -1. */
  cpuTimer: number;
  /** While on a core: when the work ends; while waiting for one: its demand (at speed 1). */
  cpuEndMs: number;
  /** CPU time the job's work has taken on cores, at the speeds it ran at (the CPU adds to it). */
  cpuMs: number;
  /** Time the job has waited for a core (the CPU adds to it), and when it last joined the run queue. */
  coreWaitMs: number;
  coreQueuedMs: number;
}

/** What a CPU tells its owner (the replica). */
export interface CpuOwner<J> {
  /** A job's work is done (its core has already passed on). */
  cpuDone(job: J): void;
  /** The jobs that may be on a core now (the CPU picks those with work under way): for pauses and speed changes. */
  cpuJobs(): readonly J[];
}

/** Where a CPU reports its busy cores and waiting jobs: the model's observers, about the owner. */
export interface CpuEvents<O> {
  readonly listener: {
    busyChanged(owner: O, delta: number): void;
    waitingChanged(owner: O, delta: number): void;
  };
}

/**
 * How fast a service's CPUs run: a demand is multiplied by the product of its
 * factors, one per source (the slow-down what-if, each cpu fault; later CFS
 * quotas), so sources never undo each other. A replica slowed on its own gets a
 * speed of its own under the service's: its factors times the service's. A
 * change applies at once: to work starting from then on, and to the rest of
 * the work on the cores of the CPUs that run at this speed.
 */
export class CpuSpeed {
  /** What a demand is multiplied by now (a plain field: read on every CPU job). */
  scale = 1;
  private readonly factors = new Map<string, number>();
  private readonly children: CpuSpeed[] = [];
  /** The CPUs running at this speed (told when it changes). */
  readonly cpus: { rescale(from: number, to: number): void }[] = [];

  constructor(private readonly parent: CpuSpeed | null = null) {
    if (parent) {
      parent.children.push(this);
      this.scale = parent.scale;
    }
  }

  set(source: string, factor: number): void {
    if (factor === 1) this.factors.delete(source);
    else this.factors.set(source, factor);
    this.update();
  }

  get(source: string): number {
    return this.factors.get(source) ?? 1;
  }

  private update(): void {
    let scale = this.parent ? this.parent.scale : 1;
    for (const f of this.factors.values()) scale *= f;
    const before = this.scale;
    this.scale = scale;
    if (scale !== before) for (const cpu of this.cpus) cpu.rescale(before, scale);
    for (const c of this.children) c.update();
  }
}

const DONE = 1;
/** The event code of a job's work done on a core (a subclass that moves a job's end reschedules it with this). */
export const CPU_DONE = DONE;

/** Cores running jobs first come first served; the speed scales every demand; a pause stops the cores for a while. */
export class Cpu<J extends CpuJob, O extends CpuOwner<J> = CpuOwner<J>> implements EventTarget {
  busy = 0;
  readonly runQueue = new RingQueue<J>();
  /** Until when the cores stand still (a pause). */
  protected pausedUntilMs = 0;
  /** Integral of busy cores over time up to lastChangeMs (core x ms), kept once a controller asks for it (trackBusyTime). */
  private busyArea = 0;
  private lastChangeMs = 0;
  private tracksBusyTime = false;

  constructor(
    readonly cores: number,
    /** The service's speed, or one of the replica's own under it (a fault on this replica alone). */
    private speedNow: CpuSpeed,
    protected readonly sim: Simulation,
    protected readonly owner: O,
    protected readonly events: CpuEvents<O>,
  ) {
    speedNow.cpus.push(this);
  }

  get speed(): CpuSpeed {
    return this.speedNow;
  }

  /** Run at another speed from now on (a replica slowed on its own gets a speed of its own). */
  set speed(next: CpuSpeed) {
    const before = this.speedNow;
    before.cpus.splice(before.cpus.indexOf(this), 1);
    next.cpus.push(this);
    this.speedNow = next;
    if (next.scale !== before.scale) this.rescale(before.scale, next.scale);
  }

  /** The CPU time a demand would take at the current speed (work is scaled when it reaches a core). */
  scale(demandMs: number): number {
    return demandMs * this.speedNow.scale;
  }

  /** Run `demandMs` of work (at speed 1) for a job: on a free core now, else after the jobs waiting; none is done at once. */
  run(job: J, demandMs: number): void {
    if (demandMs <= 0) {
      this.owner.cpuDone(job);
    } else if (this.busy < this.cores) {
      this.setBusy(this.busy + 1);
      this.events.listener.busyChanged(this.owner, 1);
      this.start(job, demandMs);
    } else {
      job.cpuEndMs = demandMs; // while it waits for a core: its demand
      job.coreQueuedMs = this.sim.nowMs;
      this.runQueue.push(job);
      this.events.listener.waitingChanged(this.owner, 1);
    }
  }

  handleEvent(_code: number, ref: unknown): void {
    const job = ref as J;
    job.cpuTimer = -1;
    const next = this.runQueue.shift();
    if (next !== undefined) {
      this.events.listener.waitingChanged(this.owner, -1);
      next.coreWaitMs += this.sim.nowMs - next.coreQueuedMs;
      this.start(next, next.cpuEndMs); // the core passes straight on
    } else {
      this.setBusy(this.busy - 1);
      this.events.listener.busyChanged(this.owner, -1);
    }
    this.owner.cpuDone(job);
  }

  /** Put work on a core (after any pause in progress), at the speed of now: the one place the speed applies to new work. */
  private start(job: J, demandMs: number): void {
    const cpuMs = demandMs * this.speedNow.scale;
    job.cpuMs += cpuMs;
    const endMs = Math.max(this.sim.nowMs, this.pausedUntilMs) + cpuMs;
    job.cpuEndMs = endMs;
    job.cpuTimer = this.sim.scheduleAt(endMs, this, DONE, job);
  }

  /** The speed changed from `from` to `to`: the rest of the work on the cores takes to / from as long (in the owner's job order). */
  rescale(from: number, to: number): void {
    if (this.busy === 0) return;
    const resumeMs = Math.max(this.sim.nowMs, this.pausedUntilMs);
    for (const job of this.owner.cpuJobs()) {
      if (job.cpuTimer < 0) continue;
      const leftMs = job.cpuEndMs - resumeMs;
      if (!(leftMs > 0)) continue;
      const nextMs = (leftMs / from) * to;
      this.sim.cancel(job.cpuTimer);
      job.cpuMs += nextMs - leftMs;
      job.cpuEndMs = resumeMs + nextMs;
      job.cpuTimer = this.sim.scheduleAt(job.cpuEndMs, this, DONE, job);
    }
  }

  /** A stop-the-world pause: the work on the cores (of the owner's jobs, in that order) stands still for `durationMs`. */
  pause(durationMs: number): void {
    const from = Math.max(this.sim.nowMs, this.pausedUntilMs);
    this.pausedUntilMs = from + durationMs;
    for (const job of this.owner.cpuJobs()) {
      if (job.cpuTimer < 0) continue;
      this.sim.cancel(job.cpuTimer);
      job.cpuEndMs += this.pausedUntilMs - from;
      job.cpuTimer = this.sim.scheduleAt(job.cpuEndMs, this, DONE, job);
    }
  }

  /** Stop every job (the replica died): cancel their work, empty the queue. Returns how many were busy and waiting. */
  stopAll(jobs: readonly J[]): { busy: number; waiting: number } {
    const stopped = { busy: this.busy, waiting: this.runQueue.length };
    this.runQueue.drain();
    for (const job of jobs) {
      if (job.cpuTimer >= 0) this.sim.cancel(job.cpuTimer);
      job.cpuTimer = -1;
    }
    this.setBusy(0);
    return stopped;
  }

  /** Keep the busy time from now on (a controller reads it): it costs a little on every core change, so only on request. */
  trackBusyTime(): void {
    if (this.tracksBusyTime) return;
    this.tracksBusyTime = true;
    this.lastChangeMs = this.sim.nowMs;
  }

  /** Core-milliseconds spent busy since trackBusyTime() was called, up to nowMs. */
  busyTimeMs(nowMs: number): number {
    return this.busyArea + this.busy * (nowMs - this.lastChangeMs);
  }

  protected setBusy(busy: number): void {
    if (this.tracksBusyTime) {
      const now = this.sim.nowMs;
      this.busyArea += this.busy * (now - this.lastChangeMs);
      this.lastChangeMs = now;
    }
    this.busy = busy;
  }
}
