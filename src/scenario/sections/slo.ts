// Service-level objectives: latency percentiles and an error rate the end-to-end requests should meet.
import type { z } from 'zod';
import { duration, probability, strict } from '../fields.js';
import type { Problem } from '../problems.js';
import type { Input, Section } from '../section.js';

/** Service-level objectives on end-to-end requests (any of them may be absent). */
export interface SloSpec {
  /** Latency objectives in ms, by percentile key: p50, p90, p95, p99, p999. */
  readonly latencyMs: Readonly<Partial<Record<'p50' | 'p90' | 'p95' | 'p99' | 'p999', number>>>;
  /** Highest acceptable share of requests that fail or are rejected. */
  readonly errorRate: number | null;
}

export interface SloScenarioPart {
  readonly slo: SloSpec | null;
}

/** The objectives' fields (the top-level `slo:` and a workload's `slo:`). */
export const objectives = strict({
  p50: duration.optional(),
  p90: duration.optional(),
  p95: duration.optional(),
  p99: duration.optional(),
  p999: duration.optional(),
  errorRate: probability.optional(),
});

/** The objectives as spec: latency keys present, errorRate or null. */
export function buildSlo(slo: z.infer<typeof objectives>): SloSpec {
  return {
    latencyMs: Object.fromEntries(
      (['p50', 'p90', 'p95', 'p99', 'p999'] as const).filter((k) => slo[k] !== undefined).map((k) => [k, slo[k]!]),
    ),
    errorRate: slo.errorRate ?? null,
  };
}

/** An empty `slo: {}` says nothing: a problem at its path. */
export function emptySloProblem(slo: object | undefined, path: (string | number)[]): Problem[] {
  return slo && Object.keys(slo).length === 0
    ? [{ path, expected: 'at least one objective (p50, p90, p95, p99, p999, errorRate)', found: 'an empty mapping' }]
    : [];
}

const topFields = { slo: objectives.optional() };
type TopInput = Input<typeof topFields>;

export const slo: Section<{ top: SloScenarioPart }> = {
  name: 'slo',
  top: {
    fields: topFields,
    build: ({ slo }: TopInput) => ({
      slo: slo ? buildSlo(slo) : null,
    }),
  },
  checkInput: ({ slo }: TopInput): Problem[] => emptySloProblem(slo, ['slo']),
};
