// The programmatic API: build a world from a spec, run it (whole, or slice by slice), and report.
import { performance } from 'node:perf_hooks';
import { fanOut, type ModelListener } from '../model/listener.js';
import { World } from '../model/world.js';
import { MetricsCollector } from '../observe/metrics.js';
import { type Report, buildReport } from '../observe/report.js';
import type { ScenarioSpec } from '../scenario/spec.js';

export interface RunOptions {
  /** Overrides the scenario's seed. */
  seed?: number;
  /** Extra model listeners (a live view, a trace). */
  listeners?: ModelListener[];
}

export interface Progress {
  simulatedMs: number;
  durationMs: number;
  events: number;
  wallSeconds: number;
}

/**
 * One run of a scenario. `advance` moves simulated time forward by a slice,
 * so a caller (the CLI's progress line, the live dashboard) can pace it and
 * look at it in between; `runToEnd` does it all at once.
 */
export class Run {
  readonly world: World;
  readonly metrics: MetricsCollector;
  private wallMs = 0;

  constructor(readonly spec: ScenarioSpec, options: RunOptions = {}) {
    this.world = new World(spec, { seed: options.seed });
    this.metrics = new MetricsCollector(this.world);
    this.world.listener = fanOut([this.metrics, ...(options.listeners ?? [])]);
    this.world.start();
  }

  get done(): boolean {
    return this.world.sim.nowMs >= this.world.durationMs;
  }

  /** Run up to `sliceMs` more simulated milliseconds (never past the end) and at most maxEvents events. */
  advance(sliceMs: number, maxEvents = Infinity): void {
    const sim = this.world.sim;
    const until = Math.min(this.world.durationMs, sim.nowMs + sliceMs);
    const t0 = performance.now();
    sim.runUntil(until, maxEvents);
    this.wallMs += performance.now() - t0;
  }

  progress(): Progress {
    return { simulatedMs: this.world.sim.nowMs, durationMs: this.world.durationMs, events: this.world.sim.eventCount, wallSeconds: this.wallMs / 1000 };
  }

  /** Run to the end, calling onSlice between slices of about `sliceMs` simulated milliseconds. */
  runToEnd(onSlice?: (p: Progress) => void, sliceMs = this.world.durationMs / 100): Report {
    while (!this.done) {
      this.advance(onSlice ? sliceMs : Infinity);
      onSlice?.(this.progress());
    }
    return this.report();
  }

  report(): Report {
    return buildReport(this.world, this.metrics, { events: this.world.sim.eventCount, wallSeconds: this.wallMs / 1000 });
  }
}

/** Run a scenario headless and return its report. */
export function runScenario(spec: ScenarioSpec, options: RunOptions = {}): Report {
  return new Run(spec, options).runToEnd();
}
