// End-to-end latency over simulated time: p99 and p50 as line charts (asciichart).
import asciichart from 'asciichart';
import { Text } from 'ink';
import { formatMs } from '../../observe/format.js';
import type { SeriesPoint } from '../../observe/live-metrics.js';
import { type Theme, fit } from '../theme.js';

const LABEL_WIDTH = 8;

/** The plot: the last points that fit the width, p99 above p50; empty before the first request. */
export function chartLines(series: readonly SeriesPoint[], width: number, height: number, colors: boolean, sloMs: number | null = null): string[] {
  const points = Math.max(2, width - LABEL_WIDTH - 2);
  const tail = series.slice(-points);
  const p99 = tail.map((p) => p.p99Ms ?? NaN);
  const p50 = tail.map((p) => p.p50Ms ?? NaN);
  if (!p99.some(Number.isFinite)) return [];
  const lines = sloMs === null ? [p99, p50] : [p99, p50, p99.map(() => sloMs)];
  const text = asciichart.plot(lines, {
    height: Math.max(1, height - 1),
    min: 0,
    format: (x: number) => formatMs(x).padStart(LABEL_WIDTH - 1),
    colors: colors ? [asciichart.red, asciichart.green, asciichart.yellow] : undefined,
  });
  return text.split('\n');
}

export function chartPanelLines(series: readonly SeriesPoint[], t: Theme, width: number, height: number, bucketMs: number, slo: { metric: string; targetMs: number } | null = null): string[] {
  const span = Math.min(series.length, Math.max(2, width - LABEL_WIDTH - 2)) * bucketMs;
  const sloLabel = slo ? `  ${t.warn(`─ SLO ${slo.metric} ${formatMs(slo.targetMs)}`)}` : '';
  const title = `${t.bold('end-to-end latency')}  ${t.bad('─ p99')}  ${t.good('─ p50')}${sloLabel}  ${t.dim(`last ${(span / 1000).toFixed(span < 10_000 ? 1 : 0)}s simulated`)}`;
  const plot = chartLines(series, width, height - 1, t.colors, slo?.targetMs ?? null);
  const body = plot.length === 0 ? [t.dim('  waiting for the first requests…')] : plot;
  return [title, ...body].slice(0, height).map((l) => fit(l, width));
}

export function LatencyChart(props: { series: readonly SeriesPoint[]; theme: Theme; width: number; height: number; bucketMs: number; slo?: { metric: string; targetMs: number } | null }) {
  return <Text>{chartPanelLines(props.series, props.theme, props.width, props.height, props.bucketMs, props.slo ?? null).join('\n')}</Text>;
}
