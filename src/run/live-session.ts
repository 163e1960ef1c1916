// The live driver: paces a Run against the wall clock in slices, turns commands into actions, and emits snapshots.
import { performance } from 'node:perf_hooks';
import type { InterventionIntent } from '../model/interventions.js';
import type { AnyFeature, LiveView } from '../observe/feature.js';
import { FEATURES } from '../observe/features/index.js';
import { LiveMetrics } from '../observe/live-metrics.js';
import { createCollector } from '../observe/metrics.js';
import type { Report } from '../observe/report.js';
import type { ScenarioSpec } from '../scenario/spec.js';
import { type LogEntry, Run, type RunOptions } from './run.js';
import { LiveGraph } from './live-graph.js';
import { WhatIfEffects } from './what-if-effects.js';
import { type FeatureFields, type FeatureServiceFields, type ObjectiveLine, type ServiceRow, type Snapshot, healthOf } from './snapshot.js';

export type Speed = number | 'max';
/** The steps that + and - move through. */
export const SPEEDS: readonly Speed[] = [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 50, 100, 1000, 'max'];

export type SessionCommand =
  | { type: 'toggle-pause' }
  | { type: 'faster' }
  | { type: 'slower' }
  | { type: 'intervene'; intent: InterventionIntent; service: string }
  | { type: 'quit' }
  /** Write what the run has shown so far to a file (the CLI's exporter decides what and where): its line goes to the log. */
  | { type: 'export' };

export interface LiveOptions extends RunOptions {
  speed?: Speed;
  /** Wall milliseconds between frames (default 66: at most about 15 frames a second). */
  frameMs?: number;
  /** Objectives to show on the run so far (a lesson's): evaluated on the report about once a wall second, and at the end. */
  objectives?: (report: Report) => readonly ObjectiveLine[];
  /** The export key's action: writes a file and returns the log line saying where (none: the key says it is not available). */
  exporter?: (run: Run) => string;
}

/** Wall milliseconds between evaluations of the objectives (each builds a report). */
const OBJECTIVES_EVERY_WALL_MS = 1000;

/** Parse `--speed`: `1x`, `10x`, `0.5x`, `10`, or `max`. */
export function parseSpeed(text: string): Speed | undefined {
  const t = text.trim().toLowerCase();
  if (t === 'max') return 'max';
  const m = /^(\d+(?:\.\d+)?|\.\d+)x?$/.exec(t);
  const n = m ? Number(m[1]) : NaN;
  return n > 0 && Number.isFinite(n) ? n : undefined;
}

export function speedLabel(s: Speed): string {
  return s === 'max' ? 'max' : `${s}x`;
}

interface Sample {
  wallMs: number;
  simMs: number;
  events: number;
  counters: { completed: number; failed: number; busyArea: number }[];
  /** Each feature's sample (see LiveView.sample), in FEATURES order. */
  features: unknown[];
  /** The call graph's edge counters (see LiveEdges.counters). */
  edges: Float64Array;
}

// biome-ignore lint/suspicious/noExplicitAny: a feature's view, whatever its sample and fields
type AnyView = LiveView<any, object, object>;

const CHUNK_EVENTS = 20_000; // the engine checks the wall clock this often within a frame
/**
 * At max speed the engine gets this many times the wall time the last frame
 * spent outside it (drawing, terminal output) before the next frame: the view
 * then takes about 1/16 of the time whatever the machine. Drawing costs about
 * 20 ms a frame on a 2-core machine (Ink styles every character), which gives
 * 3 frames a second there; a fast machine gets more, up to 10.
 */
const MAX_SPEED_ENGINE_SHARE = 15;
const MAX_SPEED_FRAME_MIN_MS = 100;
const MAX_SPEED_FRAME_MAX_MS = 1000;
const RATE_WINDOW_WALL_MS = 1000;
const MAX_CATCH_UP_MS = 250; // after a stall, do not try to make up more than this

/**
 * Runs a scenario live. `tick(wallMs)` advances the simulation by what the
 * speed allows since the last tick (or, at max, for most of a frame), then
 * builds an immutable snapshot. `start()` calls tick on a timer; tests call it
 * by hand with made-up wall times.
 */
export class LiveSession {
  readonly run: Run;
  readonly live: LiveMetrics;
  speed: Speed;
  paused = false;
  private lastWallMs: number | null = null;
  private samples: Sample[] = [];
  private lastRows: ServiceRow[] | null = null;
  private lastRowsSimMs = -1;
  private readonly frameMs: number;
  private readonly exporter: ((run: Run) => string) | null;
  private readonly objectivesOf: ((report: Report) => readonly ObjectiveLine[]) | null;
  private objectives: readonly ObjectiveLine[] | null = null;
  private objectivesWallMs = Number.NEGATIVE_INFINITY;
  private objectivesSimMs = -1;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private listeners = new Set<(s: Snapshot) => void>();
  private resolveDone!: (r: Report) => void;
  private rejectDone!: (err: unknown) => void;
  /** The error that stopped the session early (abort), if any. */
  failure: Error | null = null;
  /** Resolves with the report when the run ends or is quit. */
  readonly finished: Promise<Report>;
  private ended = false;
  private startedWallMs = 0;
  /** Wall time between the end of one tick and the start of the next (drawing, I/O), smoothed. */
  private outsideMs = 20;
  private tickEndedMs = 0;
  /** Wall seconds from start() to the end, drawing included. */
  wallSeconds = 0;
  /** Where the steady state begins: the second frame (the first pays for warming up the view). */
  private steadyFrom: { wallMs: number; events: number } | null = null;
  private frames = 0;
  /** Engine events per wall second from the second frame to the end, drawing included. */
  steadyEventsPerSec = 0;
  latest: Snapshot;
  /** Each feature's view of this session, in FEATURES order (its log lines, its snapshot and row fields). */
  private readonly views: AnyView[];
  /** The history, heatmap and call graph parts of the snapshot, copied only when they change. */
  private readonly graph: LiveGraph;
  /** What-ifs whose effect the log tells some simulated seconds later. */
  private readonly effects = new WhatIfEffects();

  constructor(spec: ScenarioSpec, options: LiveOptions = {}) {
    let live: LiveMetrics | undefined;
    this.run = new Run(spec, { ...options, collector: (world, extra) => (live = createCollector(world, LiveMetrics, extra)) });
    this.live = live!;
    this.speed = options.speed ?? 1;
    this.frameMs = options.frameMs ?? 66;
    this.objectivesOf = options.objectives ?? null;
    this.exporter = options.exporter ?? null;
    this.finished = new Promise((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    const world = this.run.world;
    this.views = (FEATURES as readonly AnyFeature[]).map((f) => f.live?.view(world, this.live.part(f), this.live.livePart(f)) ?? {});
    this.graph = new LiveGraph(world, this.live);
    this.latest = this.snapshot(0);
  }

  subscribe(fn: (s: Snapshot) => void): () => void {
    this.listeners.add(fn);
    fn(this.latest);
    return () => this.listeners.delete(fn);
  }

  /** Start pacing on a timer. An error in a frame stops the run there (see abort). */
  start(): void {
    this.startedWallMs = performance.now();
    const loop = () => {
      try {
        this.tick(performance.now());
      } catch (err) {
        this.abort(err);
      }
      if (!this.ended) this.timer = setTimeout(loop, this.speed === 'max' && !this.paused ? 0 : this.frameMs);
    };
    loop();
  }

  /**
   * Stop because of an error (in the view, or in a frame): no more frames;
   * `finished` resolves with the report of what was simulated (or rejects if
   * even that fails) and `failure` keeps the first error.
   */
  abort(err: unknown): void {
    this.failure ??= err instanceof Error ? err : new Error(String(err));
    if (this.ended) return;
    this.run.stop();
    this.ended = true;
    if (this.timer) clearTimeout(this.timer);
    try {
      this.resolveDone(this.run.report());
    } catch (reportErr) {
      this.rejectDone(reportErr);
    }
  }

  command(cmd: SessionCommand): LogEntry | null {
    let entry: LogEntry | null = null;
    switch (cmd.type) {
      case 'toggle-pause':
        this.paused = !this.paused;
        break;
      case 'faster':
      case 'slower': {
        const i = nearestSpeedIndex(this.speed);
        this.speed = SPEEDS[Math.max(0, Math.min(SPEEDS.length - 1, i + (cmd.type === 'faster' ? 1 : -1)))];
        break;
      }
      case 'intervene': {
        const before = this.p99s(cmd.service);
        entry = this.run.intervene(cmd.intent, cmd.service);
        if (entry.kind === 'intervention') this.effects.watch(cmd.intent, cmd.service, this.run.world.sim.nowMs, before);
        break;
      }
      case 'quit':
        this.run.stop();
        break;
      case 'export': {
        let text: string;
        try {
          text = this.exporter ? this.exporter(this.run) : 'export: not available in this session';
        } catch (err) {
          text = `export failed: ${err instanceof Error ? err.message : String(err)}`;
        }
        entry = this.run.addLog({ atMs: this.run.world.sim.nowMs, kind: 'info', text });
        break;
      }
    }
    this.publish(this.lastWallMs ?? 0);
    if (this.run.done) this.end();
    return entry;
  }

  /** One frame: advance the simulation, then publish a snapshot. */
  tick(wallMs: number): void {
    if (this.ended) return;
    const elapsed = this.lastWallMs === null ? 0 : Math.min(MAX_CATCH_UP_MS, Math.max(0, wallMs - this.lastWallMs));
    this.lastWallMs = wallMs;
    if (!this.paused && !this.run.done) {
      const start = performance.now();
      if (++this.frames === 2) this.steadyFrom = { wallMs: start, events: this.run.world.sim.eventCount };
      if (this.tickEndedMs > 0) this.outsideMs = 0.7 * this.outsideMs + 0.3 * (start - this.tickEndedMs);
      const budgetMs =
        this.speed === 'max'
          ? Math.min(MAX_SPEED_FRAME_MAX_MS, Math.max(MAX_SPEED_FRAME_MIN_MS, MAX_SPEED_ENGINE_SHARE * this.outsideMs))
          : this.frameMs * 0.9;
      if (this.speed === 'max') {
        do this.run.advance(Infinity, CHUNK_EVENTS);
        while (!this.run.done && performance.now() - start < budgetMs);
      } else {
        const target = Math.min(this.run.endMs, this.run.world.sim.nowMs + this.speed * elapsed);
        while (this.run.world.sim.nowMs < target && !this.run.done) {
          this.run.advance(target - this.run.world.sim.nowMs, CHUNK_EVENTS);
          if (performance.now() - start > budgetMs) break; // the engine cannot keep up: fall behind, stay responsive
        }
      }
    }
    this.publish(wallMs);
    // the gap to the next tick is drawing only when ticks follow each other at max speed
    this.tickEndedMs = this.speed === 'max' && !this.paused ? performance.now() : 0;
    if (this.run.done) this.end();
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    const now = performance.now();
    if (this.startedWallMs > 0) this.wallSeconds = (now - this.startedWallMs) / 1000;
    if (this.steadyFrom && now > this.steadyFrom.wallMs)
      this.steadyEventsPerSec = (this.run.world.sim.eventCount - this.steadyFrom.events) / ((now - this.steadyFrom.wallMs) / 1000);
    if (this.timer) clearTimeout(this.timer);
    this.resolveDone(this.run.report());
  }

  private publish(wallMs: number): void {
    this.latest = this.snapshot(wallMs);
    for (const fn of this.listeners) fn(this.latest);
  }

  private snapshot(wallMs: number): Snapshot {
    const world = this.run.world;
    const nowMs = world.sim.nowMs;
    for (const v of this.views) if (v.log) for (const line of v.log(nowMs, this.run.done)) this.run.addLog(line);
    for (const line of this.effects.due(nowMs, (name) => this.p99s(name))) this.run.addLog(line);
    this.live.closeBuckets(nowMs);
    const counters = world.services.map((_, i) => this.live.counters(i, nowMs));
    const last = this.samples[this.samples.length - 1];
    if (!last || nowMs > last.simMs)
      this.samples.push({
        wallMs,
        simMs: nowMs,
        events: world.sim.eventCount,
        counters,
        features: this.views.map((v) => v.sample?.()),
        edges: this.live.edges.counters(),
      });
    while (this.samples.length > 2 && wallMs - this.samples[1].wallMs >= RATE_WINDOW_WALL_MS) this.samples.shift();
    const first = this.samples[0];
    const newest = this.samples[this.samples.length - 1];
    const dSimS = (newest.simMs - first.simMs) / 1000;
    const dWallS = (newest.wallMs - first.wallMs) / 1000;

    let services: ServiceRow[];
    if (this.lastRows === null || nowMs !== this.lastRowsSimMs) {
      this.lastRowsSimMs = nowMs;
      services = world.services.map((svc, i) => {
        const a = first.counters[i];
        const b = newest.counters[i];
        const ended = b.completed - a.completed + b.failed - a.failed;
        const utilization = dSimS > 0 ? (b.busyArea - a.busyArea) / (dSimS * 1000 * svc.cores * Math.max(1, svc.upReplicas().length)) : 0;
        const errorRate = ended > 0 ? (b.failed - a.failed) / ended : 0;
        const { p50Ms, p99Ms } = this.live.recentPercentiles(i);
        return this.row(svc, i, Math.min(1, utilization), dSimS > 0 ? (b.completed - a.completed) / dSimS : 0, errorRate, p50Ms, p99Ms);
      });
    } else {
      // paused: keep the rates, refresh the levels (interventions change them)
      services = this.lastRows.map((r, i) =>
        this.row(world.services[i], i, r.utilization, r.throughputPerSec, r.errorRate, r.p50Ms, r.p99Ms),
      );
    }
    const histories = this.graph.histories();
    services = services.map((r, i) => ({ ...r, history: histories[i] }));
    this.lastRows = services;
    const totals = this.run.metrics.total.counts;
    const fields: Record<string, unknown> = {};
    this.views.forEach((v, i) => {
      if (v.fields) Object.assign(fields, v.fields({ first: first.features[i], newest: newest.features[i], dSimS }));
    });
    return Object.freeze({
      scenario: world.spec.name,
      seed: world.seed,
      simMs: nowMs,
      endMs: this.run.endMs,
      warmupMs: world.warmupMs,
      speed: this.speed,
      actualSpeed: dWallS > 0 ? dSimS / dWallS : 0,
      paused: this.paused,
      done: this.run.done,
      eventsPerSec: dWallS > 0 ? (newest.events - first.events) / dWallS : 0,
      services,
      series: [...this.live.series],
      log: [...this.run.log],
      totals: { started: totals.started, completed: totals.completed, failed: totals.failed, rejected: totals.rejected },
      ...(fields as FeatureFields),
      ...(this.objectivesOf === null ? {} : { objectives: this.currentObjectives(wallMs) }),
      graph: this.graph.callGraph(first.edges, newest.edges, dSimS),
      latency: this.graph.latency(),
    });
  }

  /** A service's recent p99 and the end-to-end p99 of the last bucket that had a success, now. */
  private p99s(service: string): { serviceMs: number | null; endToEndMs: number | null } {
    const i = this.run.world.services.findIndex((s) => s.name === service);
    const series = this.live.series;
    let endToEndMs: number | null = null;
    for (let k = series.length - 1; k >= 0 && k >= series.length - 4; k--)
      if (series[k].p99Ms !== null) {
        endToEndMs = series[k].p99Ms;
        break;
      }
    return { serviceMs: i < 0 ? null : this.live.recentPercentiles(i).p99Ms, endToEndMs };
  }

  /** The objectives on the report so far: again once a wall second has passed, and at the end. */
  private currentObjectives(wallMs: number): readonly ObjectiveLine[] {
    const simMs = this.run.world.sim.nowMs;
    // nothing new while the clock stands (paused, or done): the last figures hold
    const moved = simMs !== this.objectivesSimMs;
    if (this.objectives === null || (moved && (this.run.done || wallMs - this.objectivesWallMs >= OBJECTIVES_EVERY_WALL_MS))) {
      this.objectives = this.objectivesOf!(this.run.report());
      this.objectivesWallMs = wallMs;
      this.objectivesSimMs = simMs;
    }
    return this.objectives;
  }

  private row(
    svc: Run['world']['services'][number],
    _i: number,
    utilization: number,
    throughputPerSec: number,
    errorRate: number,
    p50Ms: number | null,
    p99Ms: number | null,
  ): ServiceRow {
    let inFlight = 0;
    let queue = 0;
    const replicas = svc.replicas.map((r) => {
      inFlight += r.inSystem;
      const waiting = r.admission.length + r.runQueue.length;
      queue += waiting;
      return { id: r.id, location: r.location.id, up: r.up, inSystem: r.inSystem, waiting, busyCores: r.busyCores };
    });
    return {
      name: svc.name,
      replicasUp: svc.upReplicas().length,
      replicasTotal: svc.replicas.length,
      cores: svc.cores,
      inFlight,
      queue,
      utilization,
      throughputPerSec,
      errorRate,
      p50Ms,
      p99Ms,
      health: healthOf(utilization, errorRate),
      slowed: svc.speed.get('what-if') !== 1,
      injectedErrors: this.run.world.actuators.errorsOf(svc, 'what-if') > 0,
      replicas,
      ...this.serviceFields(svc),
    };
  }

  /** The features' fields of a service's row. */
  private serviceFields(svc: Run['world']['services'][number]): FeatureServiceFields {
    const fields = {};
    for (const v of this.views) if (v.serviceFields) Object.assign(fields, v.serviceFields(svc));
    return fields as FeatureServiceFields;
  }
}

function nearestSpeedIndex(speed: Speed): number {
  if (speed === 'max') return SPEEDS.length - 1;
  let best = 0;
  SPEEDS.forEach((s, i) => {
    if (s !== 'max' && Math.abs(Math.log(s / speed)) < Math.abs(Math.log((SPEEDS[best] as number) / speed))) best = i;
  });
  return best;
}
