// Workloads: open-loop arrivals (Poisson or evenly spaced, with a rate schedule) and closed-loop users.
import { type Sampler, createSampler } from '../engine/distributions.js';
import type { RandomStream, RandomStreams } from '../engine/rng.js';
import type { EventTarget, Simulation } from '../engine/simulation.js';
import type { RatePoint, WorkloadSpec } from '../scenario/spec.js';
import type { Location } from './network.js';
import type { Endpoint, Service } from './service.js';
import { RootRequest, type WorkloadRef } from './span.js';

/** One entry of a request mix, resolved. */
export interface MixTarget {
  readonly service: Service;
  readonly endpoint: Endpoint;
  readonly weight: number;
}

/** What workloads tell the model's observers. */
export interface WorkloadEvents {
  requestStarted(req: RootRequest): void;
}

/** What a workload needs: the clock, observers, the warm-up, and the router to send its requests into the system. */
export interface WorkloadEnv {
  readonly sim: Simulation;
  readonly listener: WorkloadEvents;
  readonly warmupMs: number;
  readonly router: { enter(root: RootRequest, service: Service, endpoint: Endpoint): void };
}

const ARRIVAL = 1;
const USER_SEND = 2;

/** Offered rate (per second) at a time, from a base rate and a schedule of steps and linear ramps. */
export function rateAt(baseRatePerSec: number, schedule: readonly RatePoint[], tMs: number): number {
  let rate = baseRatePerSec;
  for (const p of schedule) {
    if (tMs < p.atMs) break;
    rate = p.rampMs > 0 && tMs < p.atMs + p.rampMs ? rate + ((p.ratePerSec - rate) * (tMs - p.atMs)) / p.rampMs : p.ratePerSec;
  }
  return rate;
}

export class Workload implements EventTarget, WorkloadRef {
  readonly endpoint: Endpoint;
  private readonly arrivalRng: RandomStream;
  private readonly think: Sampler | null;
  private readonly baseRatePerSec: number;
  private readonly maxRatePerSec: number;
  /** Multiplies the offered load (open loop: the rate; closed loop: users are added). */
  loadFactor = 1;
  private users = 0;
  /** A request mix: its entries and their cumulative weights, and the stream that draws them (null: no mix). */
  private mix: { readonly entries: readonly MixTarget[]; readonly cumulative: Float64Array; readonly rng: RandomStream } | null = null;

  constructor(
    readonly spec: WorkloadSpec,
    readonly index: number,
    /** The entry service and endpoint, and where the clients are. */
    readonly service: Service,
    readonly location: Location,
    private readonly env: WorkloadEnv,
    streams: RandomStreams,
  ) {
    this.endpoint = service.endpoints.get(spec.endpoint)!;
    this.arrivalRng = streams.stream(`workload:${spec.name}:arrivals`);
    const a = spec.arrivals;
    this.think = a.kind === 'closed' ? createSampler(a.think, streams.stream(`workload:${spec.name}:think`)) : null;
    this.baseRatePerSec = a.kind === 'closed' ? 0 : a.ratePerSec;
    this.maxRatePerSec = Math.max(this.baseRatePerSec, ...spec.schedule.map((p) => p.ratePerSec));
  }

  get name(): string {
    return this.spec.name;
  }

  /** Send each request to one of these entries, drawn by weight (a request mix). */
  setMix(entries: readonly MixTarget[], rng: RandomStream): void {
    const cumulative = new Float64Array(entries.length);
    let sum = 0;
    entries.forEach((e, i) => {
      sum += e.weight;
      cumulative[i] = sum;
    });
    this.mix = { entries, cumulative, rng };
  }

  /** Offered rate now (open loop), per second. */
  ratePerSec(tMs: number): number {
    return this.loadFactor * rateAt(this.baseRatePerSec, this.spec.schedule, tMs);
  }

  /** Closed-loop users now. */
  get userCount(): number {
    return this.users;
  }

  /** Multiply the offered load by `factor` from now on (a load what-if). */
  scaleLoad(factor: number): void {
    this.loadFactor *= factor;
    const a = this.spec.arrivals;
    if (a.kind === 'closed') {
      const target = Math.round(a.users * this.loadFactor);
      while (this.users < target) this.env.sim.schedule(this.think!.sample(), this, USER_SEND, this.users++);
    }
  }

  start(): void {
    const a = this.spec.arrivals;
    if (a.kind === 'closed') {
      // each user starts with a think time, so they do not all fire at t = 0
      for (; this.users < a.users; this.users++) this.env.sim.schedule(this.think!.sample(), this, USER_SEND, this.users);
    } else {
      this.scheduleArrival();
    }
  }

  private scheduleArrival(): void {
    const sim = this.env.sim;
    if (this.spec.arrivals.kind === 'constant') {
      const rate = this.ratePerSec(sim.nowMs);
      if (rate > 0) sim.schedule(1000 / rate, this, ARRIVAL, null);
      else this.scheduleAfterIdle();
      return;
    }
    // Poisson: exact for a constant rate; thinning (Lewis and Shedler) under a schedule
    const max = this.maxRatePerSec * this.loadFactor;
    let t = sim.nowMs;
    for (;;) {
      t += (-1000 / max) * Math.log(1 - this.arrivalRng.next());
      if (this.spec.schedule.length === 0 || this.arrivalRng.next() * max < this.ratePerSec(t)) break;
    }
    sim.scheduleAt(t, this, ARRIVAL, null);
  }

  /** A constant-rate workload paused at rate 0 resumes at the next schedule point. */
  private scheduleAfterIdle(): void {
    const next = this.spec.schedule.find((p) => p.atMs > this.env.sim.nowMs);
    if (next) this.env.sim.scheduleAt(next.atMs, this, ARRIVAL, -1);
  }

  handleEvent(code: number, ref: unknown): void {
    if (code === ARRIVAL) {
      if (ref !== -1) this.send(-1);
      this.scheduleArrival();
    } else if (code === USER_SEND) {
      this.send(ref as number);
    }
  }

  private send(user: number): void {
    const env = this.env;
    const now = env.sim.nowMs;
    const root = new RootRequest(this, now, user, now >= env.warmupMs);
    const mix = this.mix;
    if (mix === null) {
      env.listener.requestStarted(root);
      env.router.enter(root, this.service, this.endpoint);
      return;
    }
    const u = mix.rng.next() * mix.cumulative[mix.cumulative.length - 1];
    let k = 0;
    while (k < mix.cumulative.length - 1 && u >= mix.cumulative[k]) k++;
    root.mixEntry = k;
    env.listener.requestStarted(root);
    env.router.enter(root, mix.entries[k].service, mix.entries[k].endpoint);
  }

  /** The request ended; a closed-loop user thinks, then sends the next one. */
  finished(root: RootRequest): void {
    if (root.user >= 0) this.env.sim.schedule(this.think!.sample(), this, USER_SEND, root.user);
  }
}
