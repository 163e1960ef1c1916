// Sparklines: a series of values as one line of block characters, the figures a service row keeps a history of, and their labels.
import { HISTORY_METRICS, type HistoryMetric, type ServiceHistory } from '../../observe/live-history.js';

export { HISTORY_METRICS, type HistoryMetric };

const LEVELS = '▁▂▃▄▅▆▇█';

/** How each metric reads: its label in the table's header, and how its buckets combine into one cell (peaks for p99 and queue). */
export const METRIC_INFO: Readonly<Record<HistoryMetric, { label: string; combine: 'max' | 'mean'; fixedMax?: number }>> = {
  p99: { label: 'p99', combine: 'max' },
  throughput: { label: 'req/s', combine: 'mean' },
  utilization: { label: 'util', combine: 'mean', fixedMax: 1 },
  queue: { label: 'queue', combine: 'max' },
  errors: { label: 'err', combine: 'mean', fixedMax: 1 },
};

/** Buckets of history a sparkline covers (a quarter of a run: the series has 240 buckets over it). */
export const SPARK_SPAN_BUCKETS = 60;

/**
 * `values` (oldest first; NaN is no data) combined `per` at a time from the
 * newest back into at most `cells` cells, oldest first: each cell the max or
 * mean of its values, NaN when all of them are.
 */
export function combineCells(values: readonly number[], cells: number, per: number, how: 'max' | 'mean'): number[] {
  const out: number[] = [];
  for (let end = values.length; end > 0 && out.length < cells; end -= per) {
    let acc = how === 'max' ? Number.NEGATIVE_INFINITY : 0;
    let n = 0;
    for (let i = Math.max(0, end - per); i < end; i++) {
      const v = values[i];
      if (!Number.isFinite(v)) continue;
      acc = how === 'max' ? Math.max(acc, v) : acc + v;
      n++;
    }
    out.push(n === 0 ? NaN : how === 'max' ? acc : acc / n);
  }
  return out.reverse();
}

/**
 * One line of `width` cells, right-aligned (the newest value at the right
 * edge): each value a block from ▁ (0) to █ (the top of the scale: `max`, or
 * the largest value); a cell without data is a space.
 */
export function sparkline(values: readonly number[], width: number, max?: number): string {
  const w = Math.max(0, Math.floor(width));
  const shown = w === 0 ? [] : values.slice(-w); // slice(-0) would be all of them
  let top = max ?? 0;
  if (max === undefined) for (const v of shown) if (Number.isFinite(v) && v > top) top = v;
  const cells = shown.map((v) => {
    if (!Number.isFinite(v)) return ' ';
    if (top <= 0) return LEVELS[0];
    const level = Math.round((Math.max(0, Math.min(v, top)) / top) * (LEVELS.length - 1));
    return LEVELS[level];
  });
  return cells.join('').padStart(w);
}

/** A row's sparkline of `metric` in `width` cells over the last SPARK_SPAN_BUCKETS buckets (or the cells' worth, when wider). */
export function rowSparkline(history: ServiceHistory | undefined, metric: HistoryMetric, width: number): string {
  if (!history || width <= 0) return ''.padEnd(Math.max(0, width));
  const info = METRIC_INFO[metric];
  const per = Math.max(1, Math.ceil(SPARK_SPAN_BUCKETS / width));
  return sparkline(combineCells(history[metric], width, per, info.combine), width, info.fixedMax);
}

/** Simulated time a sparkline `width` cells wide covers, at `bucketMs` a bucket. */
export function sparkSpanMs(width: number, bucketMs: number): number {
  return Math.max(1, Math.ceil(SPARK_SPAN_BUCKETS / Math.max(1, width))) * Math.max(1, width) * bucketMs;
}
