// What a what-if did: the dashboard's log says, some simulated seconds after each one, how the service's p99 and the end-to-end p99 moved.
import type { InterventionIntent } from '../model/interventions.js';
import { formatMs } from '../observe/format.js';
import type { LogEntry } from './run.js';

/** Simulated time after a what-if when its effect is logged. */
export const EFFECT_AFTER_MS = 10_000;

/** A what-if in a few words, after the service's name. */
const LABELS: Readonly<Record<InterventionIntent, string>> = {
  'add-replica': '+1 replica',
  'remove-replica': '-1 replica',
  'kill-replica': 'replica killed',
  'toggle-slow': 'CPU speed toggled',
  'toggle-errors': 'errors toggled',
  'toggle-breakers': 'breakers toggled',
  'double-load': 'load x2',
  'flush-caches': 'caches flushed',
  'toggle-consumers': 'consumers toggled',
};

/** The p99s a what-if's effect is read from: the service's recent p99, and end to end (ms; null when nothing succeeded lately). */
export interface P99s {
  readonly serviceMs: number | null;
  readonly endToEndMs: number | null;
}

interface Watched {
  readonly service: string;
  readonly intent: InterventionIntent;
  readonly dueMs: number;
  readonly before: P99s;
}

const ms = (x: number | null) => (x === null ? '-' : formatMs(x));

/** Room in a log line at 80 columns after its time. */
const LOG_TEXT_WIDTH = 68;
const fitLine = (text: string, more: string) => (text.length + more.length <= LOG_TEXT_WIDTH ? text + more : text);

/** The what-ifs whose effect is still to be logged, in the order they were made (due in that order too). */
export class WhatIfEffects {
  private readonly pending: Watched[] = [];

  constructor(private readonly afterMs = EFFECT_AFTER_MS) {}

  /** A what-if was applied at `nowMs`, with these p99s just before. */
  watch(intent: InterventionIntent, service: string, nowMs: number, before: P99s): void {
    this.pending.push({ service, intent, dueMs: nowMs + this.afterMs, before });
  }

  /** Log lines for the what-ifs due by `nowMs`, each read with `p99s` of its service now. */
  due(nowMs: number, p99s: (service: string) => P99s): LogEntry[] {
    const out: LogEntry[] = [];
    while (this.pending.length > 0 && this.pending[0].dueMs <= nowMs) {
      const w = this.pending.shift()!;
      const now = p99s(w.service);
      const seconds = `${Math.round(this.afterMs / 1000)} s`;
      out.push({
        atMs: nowMs,
        kind: 'info',
        // the service's own p99, and end to end's when it fits a log line at 80 columns
        text: fitLine(
          `${w.service} ${LABELS[w.intent]}: p99 ${ms(w.before.serviceMs)} -> ${ms(now.serviceMs)} after ${seconds}`,
          `, end to end ${ms(w.before.endToEndMs)} -> ${ms(now.endToEndMs)}`,
        ),
      });
    }
    return out;
  }
}
