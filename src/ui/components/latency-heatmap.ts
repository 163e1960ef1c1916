// Latency over time as a heatmap: a column per bucket of simulated time, a row per log-scaled latency band, shaded by how many requests took that long; bimodal latencies, timeouts and hedging show as bands.
import { formatMs } from '../../observe/format.js';
import { LATENCY_BUCKETS, type LatencyColumns, latencyBucketFloorMs } from '../../observe/live-history.js';
import { type Theme, fitWidth } from '../theme.js';

const LABEL_WIDTH = 7;
const SHADES = ['░', '▒', '▓', '█'];

/** Columns of the plot in a panel `width` wide (the label, a space and the axis take the rest). */
export function heatmapColumns(width: number): number {
  return Math.max(1, width - LABEL_WIDTH - 2);
}

/** The shade of a count against the largest of its column: a quarter of the shades each, any count at least ░ (a rare tail still shows). */
export function shadeLevel(count: number, max: number): number {
  if (count <= 0 || max <= 0) return -1;
  return Math.max(0, Math.min(SHADES.length - 1, Math.ceil((SHADES.length * count) / max) - 1));
}

/** The latency bands of a plot `rows` high over the buckets from `lo` to `hi`: `per` buckets a row, from the slowest at the top. */
export function bands(lo: number, hi: number, rows: number): { first: number; per: number; rows: number } {
  const span = hi - lo + 1;
  const per = Math.max(1, Math.ceil(span / Math.max(1, rows)));
  return { first: lo, per, rows: Math.ceil(span / per) };
}

/**
 * The heatmap as lines, `height` at most: the last columns that fit the
 * width, the latency bands that hold any count, merged to fit the height; a
 * row's label is its band's lower bound. Empty when nothing was counted.
 */
export function heatmapLines(data: LatencyColumns, t: Theme, width: number, height: number): string[] {
  const cols = Math.min(data.columns, heatmapColumns(width));
  const from = data.columns - cols;
  let lo = LATENCY_BUCKETS;
  let hi = -1;
  for (let c = from; c < data.columns; c++)
    for (let b = 0; b < LATENCY_BUCKETS; b++)
      if (data.counts[c * LATENCY_BUCKETS + b] > 0) {
        if (b < lo) lo = b;
        if (b > hi) hi = b;
      }
  if (hi < 0 || height < 1) return [];
  const band = bands(lo, hi, height);
  const cells: number[][] = Array.from({ length: band.rows }, () => new Array(cols).fill(0));
  // each column shaded against its own largest band: the shape of the distribution at that moment, whatever the load
  const max = new Array(cols).fill(0);
  for (let c = 0; c < cols; c++)
    for (let b = lo; b <= hi; b++) {
      const r = Math.floor((b - lo) / band.per);
      const n = (cells[r][c] += data.counts[(from + c) * LATENCY_BUCKETS + b]);
      if (n > max[c]) max[c] = n;
    }
  const paints = t.colors ? [t.dim, t.good, t.warn, t.bad] : [(s: string) => s, (s: string) => s, (s: string) => s, (s: string) => s];
  const out: string[] = [];
  for (let r = band.rows - 1; r >= 0; r--) {
    const label = formatMs(latencyBucketFloorMs(lo + r * band.per))
      .padStart(LABEL_WIDTH)
      .slice(-LABEL_WIDTH);
    let body = '';
    let run = '';
    let runLevel = -2;
    const flush = () => {
      if (run) body += runLevel < 0 ? run : paints[runLevel](run);
      run = '';
    };
    for (let c = 0; c < cols; c++) {
      const level = shadeLevel(cells[r][c], max[c]);
      if (level !== runLevel) {
        flush();
        runLevel = level;
      }
      run += level < 0 ? ' ' : SHADES[level];
    }
    flush();
    out.push(`${label} ${r === 0 ? '┼' : '┤'}${body}`);
  }
  return out;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)}s`;

/** The panel: a title (whose latency, the shades, the time covered) and the heatmap. */
export function heatmapPanelLines(
  data: LatencyColumns | undefined,
  subject: string,
  t: Theme,
  width: number,
  height: number,
  bucketMs: number,
): string[] {
  const span = Math.min(data?.columns ?? 0, heatmapColumns(width)) * bucketMs;
  const title = `${t.bold(`latency distribution: ${subject}`)}  ${t.dim('░▒▓█ share at each moment')}  ${t.dim(`last ${seconds(span)} simulated`)}`;
  const body = data ? heatmapLines(data, t, width, height - 1) : [];
  const lines = body.length > 0 ? body : [t.dim('  waiting for the first requests…')];
  return [title, ...lines].slice(0, height).map((l) => fitWidth(l, width));
}
