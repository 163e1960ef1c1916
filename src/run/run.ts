// The programmatic API: build a world from a spec, run it (whole, or slice by slice), intervene, and report.
import { performance } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { estimateLoad } from '../analysis/offered-load.js';
import { formatCount, formatPercent } from '../observe/format.js';
import { EngineCapacityError } from '../engine/simulation.js';
import { type Intervention, type InterventionIntent, applyIntervention, resolveIntervention } from '../model/interventions.js';
import { fanOut, type ModelListener } from '../model/listener.js';
import { assemble } from '../model/assemble.js';
import type { World } from '../model/world.js';
import { MetricsCollector, createCollector } from '../observe/metrics.js';
import { type Report, buildReport } from '../observe/report.js';
import type { ScenarioSpec } from '../scenario/spec.js';
import type { Collector } from '../observe/feature.js';

export interface RunOptions {
  /** Overrides the scenario's seed. */
  seed?: number;
  /** Extra model listeners (a live view, a trace). */
  listeners?: ModelListener[];
  /** Collectors made from the world once it is assembled (exports: traces, time series), hooked into the metrics collector's methods they implement. */
  observers?: (world: World) => Collector[];
  /** Interventions to apply at their times (a replay of a recorded run). */
  replay?: readonly Intervention[];
  /** Ends the run here instead of the scenario's duration (a replay of a run that was quit early). */
  endMs?: number;
  /** Builds the metrics collector (the live view uses a richer one), with the observers' collectors hooked in. */
  collector?: (world: World, extra: readonly Collector[]) => MetricsCollector;
  /** Stop the run (truncated) when more requests than this are in the system at once (default: from the memory V8 may use). */
  maxInSystem?: number;
  /** Stop the run (truncated) when more events than this are pending at once (default 3,500,000; the engine holds 4,194,304). */
  maxPendingEvents?: number;
  /** Stop the run (truncated) after this many events at one simulated instant (default 10,000,000). */
  maxEventsAtOneInstant?: number;
  /** Where the spec came from, recorded in the report so that --replay can check and repeat it. */
  source?: RunSource;
}

/** The scenario file's SHA-256 and the overrides applied to it, as the user wrote them (`--set a.b=1`, `--duration 10s`). */
export interface RunSource {
  scenarioSha256: string | null;
  overrides: readonly string[];
}

/** Why a run stopped before its end: it could not have finished (memory, a clock that stands still). */
export interface Truncation {
  reason: string;
  /** Simulated time of the stop. */
  atMs: number;
  /** The service that overflowed, when one did. */
  service: string | null;
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

/** The run's health is checked every this many events (at fixed event counts, so a stop is deterministic). */
const GUARD_EVENTS = 16_384;
/** Events at one simulated instant before a run is declared stuck (no realistic model comes near). */
export const STUCK_EVENTS = 10_000_000;
/** Pending events before a run is stopped (the engine holds at most 4,194,304). */
export const MAX_PENDING_EVENTS = 3_500_000;
/** What one request in the system costs, with its share of events and metrics (measured: about 400 bytes). */
const BYTES_PER_REQUEST = 512;

/** The default bound on requests in the system: a third of the heap V8 may grow to, at 512 bytes a request. */
export function defaultMaxInSystem(): number {
  return Math.max(100_000, Math.floor(getHeapStatistics().heap_size_limit / 3 / BYTES_PER_REQUEST));
}

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
  /** When the advance in progress began (wall clock), or -1 between advances: progress read during one includes it. */
  private advanceStartedMs = -1;
  private stopped = false;
  private readonly listeners: ModelListener[];
  /** Set when the run had to stop before its end. */
  truncation: Truncation | null = null;
  readonly maxInSystem: number;
  private readonly source: RunSource;
  private readonly maxPendingEvents: number;
  private readonly maxEventsAtOneInstant: number;
  private nextGuardAt = GUARD_EVENTS;
  private stuckSinceMs = -1;
  private stuckEvents = 0;
  /** Called at every health check (every 16,384 events), for progress lines. */
  onCheck: (() => void) | null = null;

  constructor(
    readonly spec: ScenarioSpec,
    options: RunOptions = {},
  ) {
    this.world = assemble(spec, { seed: options.seed });
    const extra = options.observers?.(this.world) ?? [];
    this.metrics = options.collector ? options.collector(this.world, extra) : createCollector(this.world, MetricsCollector, extra);
    this.listeners = [this.metrics, ...(options.listeners ?? [])];
    this.world.listener = fanOut(this.listeners);
    this.endMs = options.endMs ?? this.world.durationMs;
    this.pendingReplay = [...(options.replay ?? [])].sort((a, b) => a.atMs - b.atMs);
    this.maxInSystem = options.maxInSystem ?? defaultMaxInSystem();
    this.source = options.source ?? { scenarioSha256: null, overrides: [] };
    this.maxPendingEvents = options.maxPendingEvents ?? MAX_PENDING_EVENTS;
    this.maxEventsAtOneInstant = options.maxEventsAtOneInstant ?? STUCK_EVENTS;
    this.world.start();
  }

  /** Subscribe another observer to the model's events (from now on). */
  addListener(listener: ModelListener): void {
    this.listeners.push(listener);
    this.world.listener = fanOut(this.listeners);
  }

  get done(): boolean {
    return this.stopped || this.truncation !== null || this.world.sim.nowMs >= this.endMs;
  }

  /** Run up to `sliceMs` more simulated milliseconds (never past the end) and at most maxEvents events. */
  advance(sliceMs: number, maxEvents = Infinity): void {
    if (this.done) return;
    const sim = this.world.sim;
    const until = Math.min(this.endMs, sim.nowMs + sliceMs);
    const t0 = performance.now();
    this.advanceStartedMs = t0;
    // replayed interventions split the slice at their exact times
    while (this.pendingReplay.length > 0 && this.pendingReplay[0].atMs <= until && this.truncation === null) {
      const iv = this.pendingReplay[0];
      this.runGuarded(iv.atMs, Infinity);
      if (sim.nowMs < iv.atMs) break; // stopped
      this.pendingReplay.shift();
      this.record(iv, applyIntervention(this.world, iv));
    }
    if (this.truncation === null) this.runGuarded(until, maxEvents);
    this.wallMs += performance.now() - t0;
    this.advanceStartedMs = -1;
  }

  /**
   * Run events up to `untilMs` (at most maxEvents), stopping at every multiple
   * of GUARD_EVENTS dispatched events to check that the run can go on.
   */
  private runGuarded(untilMs: number, maxEvents: number): void {
    const sim = this.world.sim;
    let left = maxEvents;
    while (this.truncation === null) {
      const chunk = Math.min(left, this.nextGuardAt - sim.eventCount);
      let n: number;
      try {
        n = sim.runUntil(untilMs, chunk);
      } catch (err) {
        if (!(err instanceof EngineCapacityError)) throw err;
        this.truncate(`${err.message}: too many timers and messages at once`, null);
        return;
      }
      left -= n;
      if (sim.eventCount >= this.nextGuardAt) {
        this.nextGuardAt += GUARD_EVENTS;
        this.check();
      }
      if (n < chunk || left <= 0) return;
    }
  }

  /** The health check: requests in the system, pending events, a clock that stands still. */
  private check(): void {
    const sim = this.world.sim;
    if (sim.nowMs === this.stuckSinceMs) this.stuckEvents += GUARD_EVENTS;
    else {
      this.stuckSinceMs = sim.nowMs;
      this.stuckEvents = 0;
    }
    const inSystem = this.metrics.inSystemNow;
    if (inSystem > this.maxInSystem) {
      // the service where requests wait (for a slot or a core) is the bottleneck; its callers only hold theirs while they wait on it
      const m = this.metrics.services;
      const worst = this.world.services.reduce((a, b) => (m[b.index].waiting.level > m[a.index].waiting.level ? b : a));
      const load = estimateLoad(this.spec).services[worst.name];
      const why =
        load && load.utilization >= 1
          ? `: its offered load is ${load.utilization >= 10 ? `${formatCount(load.utilization)}x` : `${formatPercent(load.utilization, 0)} of`} its capacity`
          : ': it receives more than it can serve';
      const waiting = m[worst.index].waiting.level;
      this.truncate(
        `more than ${formatCount(this.maxInSystem)} requests in the system (--max-in-system); ${formatCount(waiting)} of them wait at ${worst.name}${why}`,
        worst.name,
      );
    } else if (sim.pending > this.maxPendingEvents) {
      this.truncate(`more than ${formatCount(this.maxPendingEvents)} events pending at once (timers and messages in flight)`, null);
    } else if (this.stuckEvents >= this.maxEventsAtOneInstant) {
      this.truncate(
        `simulated time stands still at ${sim.nowMs} ms: ${formatCount(this.stuckEvents)} events at one instant (a loop with no delay, or steps below the clock's resolution)`,
        null,
      );
    }
    this.onCheck?.();
  }

  /** Stop the run where it is (the user interrupted it); the report says why. */
  interrupt(reason: string): void {
    this.settle();
    this.truncate(reason, null);
  }

  private truncate(reason: string, service: string | null): void {
    this.truncation = { reason, atMs: this.world.sim.nowMs, service };
    this.addLog({ atMs: this.world.sim.nowMs, kind: 'refused', text: `run stopped: ${reason}` });
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
    const inAdvanceMs = this.advanceStartedMs >= 0 ? performance.now() - this.advanceStartedMs : 0;
    return {
      simulatedMs: this.world.sim.nowMs,
      durationMs: this.endMs,
      events: this.world.sim.eventCount,
      wallSeconds: (this.wallMs + inAdvanceMs) / 1000,
    };
  }

  /** Run to the end; onProgress is called at every health check (every 16,384 events). */
  runToEnd(onProgress?: (p: Progress) => void): Report {
    if (onProgress) this.onCheck = () => onProgress(this.progress());
    while (!this.done) this.advance(Infinity);
    this.onCheck = null;
    return this.report();
  }

  report(): Report {
    return buildReport(
      this.world,
      this.metrics,
      { events: this.world.sim.eventCount, wallSeconds: this.wallMs / 1000 },
      { interventions: this.interventions, truncation: this.truncation, ...this.source },
    );
  }
}

/** Run a scenario headless and return its report. */
export function runScenario(spec: ScenarioSpec, options: RunOptions = {}): Report {
  return new Run(spec, options).runToEnd();
}
