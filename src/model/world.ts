// Builds a runnable world from a scenario spec and a seed, and routes calls and responses between services.
import { RandomStreams } from '../engine/rng.js';
import { Simulation } from '../engine/simulation.js';
import type { ScenarioSpec } from '../scenario/spec.js';
import { type ModelListener, nullListener } from './listener.js';
import { type Call, type Endpoint, Service } from './service.js';
import { Outcome, type RootRequest, Span } from './span.js';
import { Workload } from './workload.js';

export interface WorldOptions {
  seed?: number;
  listener?: ModelListener;
}

/**
 * The simulated system: services, workloads and the simulation they run on.
 * A pure function of (spec, seed): every random number comes from a stream
 * named after its purpose and seeded from the run seed.
 */
export class World {
  readonly sim = new Simulation();
  readonly services: Service[] = [];
  readonly workloads: Workload[] = [];
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly seed: number;
  listener: ModelListener;
  private readonly byName = new Map<string, Service>();
  private started = false;

  constructor(readonly spec: ScenarioSpec, options: WorldOptions = {}) {
    this.seed = options.seed ?? spec.seed;
    this.listener = options.listener ?? nullListener;
    this.warmupMs = spec.warmupMs;
    this.durationMs = spec.durationMs;
    const streams = new RandomStreams(this.seed);
    Object.entries(spec.services).forEach(([name, s], i) => {
      const svc = new Service(name, i, s, this, streams);
      this.services.push(svc);
      this.byName.set(name, svc);
    });
    // calls are resolved once all services exist
    for (const svc of this.services) {
      for (const [epName, ep] of svc.endpoints) {
        for (const step of svc.spec.endpoints[epName].steps) {
          ep.steps.push(step.map((c) => ({ service: this.service(c.service), endpoint: this.service(c.service).endpoints.get(c.endpoint)!, probability: c.probability })));
        }
      }
    }
    spec.workloads.forEach((w, i) => this.workloads.push(new Workload(w, i, this, streams)));
  }

  service(name: string): Service {
    const s = this.byName.get(name);
    if (!s) throw new Error(`unknown service ${name}`);
    return s;
  }

  /** Schedule the workloads' first arrivals. Idempotent. */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const w of this.workloads) w.start();
  }

  /** A workload request enters the system at its entry service. */
  enter(root: RootRequest, service: Service, endpoint: Endpoint): void {
    this.deliver(new Span(service, endpoint, null, root, root.measured));
  }

  /** `parent` calls another service. */
  call(parent: Span, call: Call): void {
    this.deliver(new Span(call.service, call.endpoint, parent, parent.root, this.sim.nowMs >= this.warmupMs));
  }

  /** Hand a span to a replica of its service; with none up it fails at once (Unavailable). */
  private deliver(span: Span): void {
    const replica = span.service.pick();
    if (replica !== null) {
      replica.arrive(span);
      return;
    }
    span.arrivalMs = this.sim.nowMs;
    span.outcome = Outcome.Unavailable;
    this.listener.spanRefused(span);
    this.respond(span);
  }

  /** A span has its answer: hand it to its caller, or end the workload request. */
  respond(span: Span): void {
    const parent = span.parent;
    if (parent !== null) {
      parent.replica!.childDone(parent, span);
      return;
    }
    const root = span.root;
    root.outcome = span.outcome;
    root.endMs = this.sim.nowMs;
    this.listener.requestFinished(root);
    root.workload.finished(root);
  }
}
