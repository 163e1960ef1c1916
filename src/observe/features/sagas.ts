// Sagas: how many started and how each ended, their latency and their compensations' by step; on the dashboard, those in flight by state.
import { z } from 'zod';
import type { SagaDef, SagaRun } from '../../model/saga.js';
import type { World } from '../../model/world.js';
import { type Collector, type LogLine, type RateWindow, defineFeature } from '../feature.js';
import { formatMsOrDash, formatPercent, formatWhole, table } from '../format.js';
import { Histogram } from '../histogram.js';
import { latencySchema, latencyStats } from '../report-fields.js';

/** One saga's figures over the measured window (sagas started after the warm-up). */
export class SagaTally {
  started = 0;
  completed = 0;
  compensated = 0;
  failed = 0;
  stuck = 0;
  readonly latency = new Histogram();
  readonly compensationLatency = new Histogram();
  /** Compensations sent, by step. */
  readonly compensations: number[];
  constructor(readonly saga: SagaDef) {
    this.compensations = saga.steps.map(() => 0);
  }
}

export class SagasCollector implements Collector {
  readonly tallies: SagaTally[];
  constructor(world: World) {
    this.tallies = world.sagas.map((s) => new SagaTally(s));
  }

  sagaChanged(run: SagaRun, from: number): void {
    if (!run.span.measured) return;
    const t = this.tallies[run.saga.index];
    if (from < 0) {
      t.started++;
      return;
    }
    if (!run.ended) return;
    switch (run.stateName) {
      case 'completed':
        t.completed++;
        t.latency.record(run.endMs - run.startMs);
        break;
      case 'compensated':
        t.compensated++;
        t.compensationLatency.record(run.endMs - run.compensationStartMs);
        break;
      case 'failed':
        t.failed++;
        break;
      default:
        t.stuck++;
    }
  }

  sagaCompensation(run: SagaRun, step: number): void {
    if (run.span.measured) this.tallies[run.saga.index].compensations[step]++;
  }
}

/** What the dashboard shows: sagas in flight by state (from the start, warm-up included) and the ends worth a log line. */
export class SagasLive implements Collector {
  /** By saga, by state name: in flight now. */
  readonly inFlight: Map<string, number>[];
  /** Ends by saga and kind (from the start). */
  readonly ends: Map<string, number>[];
  /** Compensated and stuck sagas not logged yet (the first few per frame; `dropped` counts the rest). */
  pending: LogLine[] = [];
  dropped = 0;
  constructor(private readonly world: World) {
    this.inFlight = world.sagas.map(() => new Map());
    this.ends = world.sagas.map(() => new Map());
  }

  sagaChanged(run: SagaRun, from: number): void {
    const i = run.saga.index;
    const states = run.saga.lifecycle.states;
    const m = this.inFlight[i];
    if (from >= 0) m.set(states[from], (m.get(states[from]) ?? 0) - 1);
    const to = run.stateName;
    if (!run.ended) {
      m.set(to, (m.get(to) ?? 0) + 1);
      return;
    }
    this.ends[i].set(to, (this.ends[i].get(to) ?? 0) + 1);
    if (to !== 'stuck' && to !== 'compensated') return;
    if (this.pending.length >= LOG_LINES_PER_FRAME) {
      this.dropped++;
      return;
    }
    const steps = run.saga.steps;
    const at = steps[Math.min(run.step, steps.length - 1)].name;
    this.pending.push({
      atMs: this.world.sim.nowMs,
      kind: to === 'stuck' ? 'refused' : 'info',
      text:
        to === 'stuck'
          ? `saga ${run.saga.name} stuck at ${at}${run.compensationStartMs >= 0 ? ' (a compensation failed)' : ''}: needs manual repair`
          : `saga ${run.saga.name} compensated (${run.compensations} step${run.compensations === 1 ? '' : 's'} undone after ${at} failed)`,
    });
  }
}

const LOG_LINES_PER_FRAME = 20;

/** A saga's line on the dashboard: in flight by state, and how many ended each way so far. */
export interface SagaRow {
  readonly name: string;
  readonly inFlight: Readonly<Record<string, number>>;
  readonly ends: Readonly<Record<string, number>>;
}

const sagaSchema = z.object({
  started: z.number().int().describe('sagas started after the warm-up'),
  completed: z.number().int().describe('every step done'),
  compensated: z.number().int().describe('a step before the pivot failed and the completed steps were undone'),
  stuck: z
    .number()
    .int()
    .describe('a retriable step or a compensation failed for good (or the orchestrator died mid-saga): needs manual repair'),
  failed: z.number().int().describe('a step failed before any step needed undoing'),
  inFlight: z.number().int().describe('still running when the run ended: started - completed - compensated - stuck - failed'),
  latencyMs: latencySchema.describe('start to end of the completed sagas, in milliseconds'),
  compensationLatencyMs: latencySchema.describe('of the compensated sagas: from the failure to the last compensation, in milliseconds'),
  compensationsByStep: z
    .record(z.string(), z.number().int())
    .describe('compensations sent, by the step action they undo (service.endpoint)'),
});

export const sagas = defineFeature({
  name: 'sagas',
  collect: (world: World) => (world.sagas.length === 0 ? null : new SagasCollector(world)),
  report: {
    shape: {
      sagas: z
        .record(z.string(), sagaSchema)
        .optional()
        .describe('each saga (sagas:) over the measured window, in file order; absent when the scenario has none'),
    },
    build: (c: SagasCollector | null) => {
      if (c === null) return {};
      return {
        sagas: Object.fromEntries(
          c.tallies.map((t) => [
            t.saga.name,
            {
              started: t.started,
              completed: t.completed,
              compensated: t.compensated,
              stuck: t.stuck,
              failed: t.failed,
              inFlight: t.started - t.completed - t.compensated - t.stuck - t.failed,
              latencyMs: latencyStats(t.latency),
              compensationLatencyMs: latencyStats(t.compensationLatency),
              compensationsByStep: Object.fromEntries(
                t.saga.steps.flatMap((st, j) => (st.compensate === null ? [] : [[st.name, t.compensations[j]]])),
              ),
            },
          ]),
        ),
      };
    },
    summary({ sagas }) {
      if (sagas === undefined) return [];
      const rows = Object.entries(sagas);
      const pct = (n: number, s: { started: number }) => (s.started > 0 ? formatPercent(n / s.started) : '-');
      return [
        table(
          ['saga', 'started', 'completed', 'compensated', 'failed', 'stuck', 'in flight', 'p99', 'compensation p99'],
          rows.map(([name, s]) => [
            name,
            formatWhole(s.started),
            formatWhole(s.completed),
            `${formatWhole(s.compensated)} ${pct(s.compensated, s)}`,
            formatWhole(s.failed),
            `${formatWhole(s.stuck)} ${pct(s.stuck, s)}`,
            formatWhole(s.inFlight),
            formatMsOrDash(s.latencyMs.p99),
            formatMsOrDash(s.compensationLatencyMs.p99),
          ]),
        ),
        ...rows.flatMap(([name, s]) => {
          const by = Object.entries(s.compensationsByStep).filter(([, n]) => n > 0);
          return by.length === 0 ? [] : [`compensations of ${name}: ${by.map(([step, n]) => `${step} ${formatWhole(n)}`).join(', ')}`];
        }),
        'p99: completed sagas, start to end; compensation p99: compensated sagas, failure to last undo',
        '',
      ];
    },
  },
  live: {
    collect: (world: World) => (world.sagas.length === 0 ? null : new SagasLive(world)),
    view(world: World, _c: SagasCollector | null, live: SagasLive | null) {
      return {
        log(): LogLine[] {
          if (live === null) return [];
          const lines = live.pending;
          if (live.dropped > 0) {
            const last = lines.at(-1);
            lines.push({
              atMs: last?.atMs ?? world.sim.nowMs,
              kind: 'info',
              text: `(and ${live.dropped} more compensated or stuck sagas)`,
            });
          }
          live.pending = [];
          live.dropped = 0;
          return lines;
        },
        fields: (_w: RateWindow<undefined>): { readonly sagas: readonly SagaRow[] } => ({
          sagas:
            live === null
              ? []
              : world.sagas.map((s, i) => ({
                  name: s.name,
                  inFlight: Object.fromEntries([...live.inFlight[i]].filter(([, n]) => n > 0)),
                  ends: Object.fromEntries(live.ends[i]),
                })),
        }),
      };
    },
  },
});
