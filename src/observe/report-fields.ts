// What the report's sections share: zod fragments (a statistic, latency, request counts, a level) and how their values are made.
import { z } from 'zod';
import type { Counts } from './counts.js';
import type { Histogram } from './histogram.js';

/** Numbers are rounded to 6 significant digits; a statistic with no data is null. */
export const stat = z.number().nullable();

export const requestsSchema = z
  .object({
    started: z.number().int().describe('requests that arrived after the warm-up'),
    completed: z.number().int().describe('ended successfully'),
    failed: z.number().int().describe("ended with an error (their own or a call's)"),
    rejected: z.number().int().describe('turned away by a full queue, here or downstream'),
    inFlight: z.number().int().describe('still in progress when the run ended: started - completed - failed - rejected'),
  })
  .describe('request counts');

export const latencySchema = z
  .object({ mean: stat, p50: stat, p90: stat, p95: stat, p99: stat, p999: stat, max: stat })
  .describe('latency of successful requests in milliseconds; percentiles within 0.05%');

export const failedLatencySchema = latencySchema.describe(
  'how long failed and rejected requests took to end, in milliseconds (from the intended send time to the error): a fast failure and a timeout look very different here',
);

export const levelSchema = z.object({ mean: stat, max: stat });

export const byLocationSchema = z
  .record(z.string(), z.object({ completed: z.number().int(), latencyMs: latencySchema }))
  .optional()
  .describe(
    'successful requests and their latency by the location (region/datacenter) of the serving replica; only when the scenario has several locations',
  );

/** Round to 6 significant digits (null for NaN or infinities), so reports stay readable and stable. */
export function round(x: number): number | null {
  if (!Number.isFinite(x)) return null;
  if (x === 0) return 0;
  return Number(x.toPrecision(6));
}

export function latencyStats(h: Histogram) {
  return {
    mean: round(h.mean),
    p50: round(h.percentile(50)),
    p90: round(h.percentile(90)),
    p95: round(h.percentile(95)),
    p99: round(h.percentile(99)),
    p999: round(h.percentile(99.9)),
    max: round(h.count ? h.max : NaN),
  };
}

export function requests(c: Counts) {
  return {
    started: c.started,
    completed: c.completed,
    failed: c.failed,
    rejected: c.rejected,
    inFlight: c.started - c.completed - c.failed - c.rejected,
  };
}

/** The share of the requests that ended which failed or were rejected (NaN when none ended). */
export function errorShare(c: Counts): number {
  const ended = c.ended;
  return ended > 0 ? (c.failed + c.rejected) / ended : NaN;
}
