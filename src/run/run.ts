// The programmatic API: build a world from a spec, run it (whole, or slice by slice), intervene, and report.
import { performance } from 'node:perf_hooks';
import { type Intervention, type InterventionIntent, applyIntervention, resolveIntervention } from '../model/interventions.js';
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
  /** Interventions to apply at their times (a replay of a recorded run). */
  replay?: readonly Intervention[];
  /** Ends the run here instead of the scenario's duration (a replay of a run that was quit early). */
  endMs?: number;
  /** Builds the metrics collector (the live view uses a richer one). */
  collector?: (world: World) => MetricsCollector;
}

export interface Progress {
  simulatedMs: number;
  durationMs: number;
  events: number;
  wallSeconds: number;
}

export interface LogEntry {
  atMs: number;
  kind: 'intervention' | 'refused' | 'info';
  text: string;
}

const LOG_LIMIT = 200;

/**
 * One run of a scenario. `advance` moves simulated time forward by a slice,
 * so a caller (the CLI's progress line, the live dashboard) can pace it and
 * look at it in between; `runToEnd` does it all at once. Interventions are
 * applied between events at a clean time boundary and recorded, so that a
 * replay reproduces the run exactly.
 */
export class Run {
  readonly world: World;
  readonly metrics: MetricsCollector;
  readonly interventions: Intervention[] = [];
  readonly log: LogEntry[] = [];
  readonly endMs: number;
  private readonly pendingReplay: Intervention[];
  private wallMs = 0;
  private stopped = false;
  private readonly listeners: ModelListener[];

  constructor(readonly spec: ScenarioSpec, options: RunOptions = {}) {
    this.world = new World(spec, { seed: options.seed });
    this.metrics = options.collector ? options.collector(this.world) : new MetricsCollector(this.world);
    this.listeners = [this.metrics, ...(options.listeners ?? [])];
    this.world.listener = fanOut(this.listeners);
    this.endMs = options.endMs ?? this.world.durationMs;
    this.pendingReplay = [...(options.replay ?? [])].sort((a, b) => a.atMs - b.atMs);
    this.world.start();
  }

  /** Subscribe another observer to the model's events (from now on). */
  addListener(listener: ModelListener): void {
    this.listeners.push(listener);
    this.world.listener = fanOut(this.listeners);
  }

  get done(): boolean {
    return this.stopped || this.world.sim.nowMs >= this.endMs;
  }

  /** Run up to `sliceMs` more simulated milliseconds (never past the end) and at most maxEvents events. */
  advance(sliceMs: number, maxEvents = Infinity): void {
    if (this.done) return;
    const sim = this.world.sim;
    const until = Math.min(this.endMs, sim.nowMs + sliceMs);
    const t0 = performance.now();
    // replayed interventions split the slice at their exact times
    while (this.pendingReplay.length > 0 && this.pendingReplay[0].atMs <= until) {
      const iv = this.pendingReplay.shift()!;
      sim.runUntil(iv.atMs);
      this.record(iv, applyIntervention(this.world, iv));
    }
    sim.runUntil(until, maxEvents);
    this.wallMs += performance.now() - t0;
  }

  /** Apply a what-if on a service now. Returns the log line (or why it was refused). */
  intervene(intent: InterventionIntent, service: string): LogEntry {
    this.settle();
    const r = resolveIntervention(this.world, intent, service);
    if (!r.ok) return this.addLog({ atMs: this.world.sim.nowMs, kind: 'refused', text: r.message });
    return this.record(r.intervention, applyIntervention(this.world, r.intervention));
  }

  /** End the run at the current simulated time (quit). */
  stop(): void {
    this.settle();
    this.stopped = true;
  }

  /** Run every event due at the current time, so the state is the same as at a slice boundary. */
  private settle(): void {
    this.world.sim.runUntil(this.world.sim.nowMs);
  }

  private record(iv: Intervention, text: string): LogEntry {
    this.interventions.push(iv);
    return this.addLog({ atMs: iv.atMs, kind: 'intervention', text });
  }

  addLog(entry: LogEntry): LogEntry {
    this.log.push(entry);
    if (this.log.length > LOG_LIMIT) this.log.splice(0, this.log.length - LOG_LIMIT);
    return entry;
  }

  progress(): Progress {
    return { simulatedMs: this.world.sim.nowMs, durationMs: this.endMs, events: this.world.sim.eventCount, wallSeconds: this.wallMs / 1000 };
  }

  /** Run to the end, calling onSlice between slices of about `sliceMs` simulated milliseconds. */
  runToEnd(onSlice?: (p: Progress) => void, sliceMs = this.endMs / 100): Report {
    while (!this.done) {
      this.advance(onSlice ? sliceMs : Infinity);
      onSlice?.(this.progress());
    }
    return this.report();
  }

  report(): Report {
    return buildReport(this.world, this.metrics, { events: this.world.sim.eventCount, wallSeconds: this.wallMs / 1000 }, this.interventions);
  }
}

/** Run a scenario headless and return its report. */
export function runScenario(spec: ScenarioSpec, options: RunOptions = {}): Report {
  return new Run(spec, options).runToEnd();
}
