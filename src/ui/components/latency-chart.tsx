// End-to-end latency over simulated time: p99 and p50 as line charts with gaps, and the SLO as a labelled line.
import { Text } from 'ink';
import { formatMs } from '../../observe/format.js';
import type { SeriesPoint } from '../../observe/live-metrics.js';
import { plot } from '../plot.js';
import { type Theme, fitWidth, theme as makeTheme } from '../theme.js';

const LABEL_WIDTH = 8;
const THEMES = { on: makeTheme(true), off: makeTheme(false) };

/** Points that fit a panel `width` columns wide (the label, a space and the axis take the rest). */
export function chartPoints(width: number): number {
  return Math.max(2, width - LABEL_WIDTH - 2);
}

/**
 * The plot: the last points that fit the width, p99 above p50 and the SLO
 * line (labelled with the SLO itself); buckets without a successful request
 * are gaps. Empty when no visible bucket has one.
 */
export function chartLines(
  series: readonly SeriesPoint[],
  width: number,
  height: number,
  colors: boolean,
  sloMs: number | null = null,
): string[] {
  const tail = series.slice(-chartPoints(width));
  if (!tail.some((p) => p.p99Ms !== null && Number.isFinite(p.p99Ms))) return [];
  const t = colors ? THEMES.on : THEMES.off;
  return plot(
    [
      // without colour, p99 is drawn heavy so the two lines stay apart
      { values: tail.map((p) => p.p99Ms), paint: colors ? t.bad : undefined, heavy: !colors },
      { values: tail.map((p) => p.p50Ms), paint: colors ? t.good : undefined },
    ],
    {
      height: Math.max(1, height),
      labelWidth: LABEL_WIDTH - 1,
      format: formatMs,
      marks: sloMs === null ? [] : [{ value: sloMs, label: formatMs(sloMs), paint: colors ? t.warn : undefined }],
    },
  );
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)}s`;

export function chartPanelLines(
  series: readonly SeriesPoint[],
  t: Theme,
  width: number,
  height: number,
  bucketMs: number,
  slo: { metric: string; targetMs: number } | null = null,
): string[] {
  const span = Math.min(series.length, chartPoints(width)) * bucketMs;
  const sloLabel = slo ? `  ${t.warn(`╌ SLO ${slo.metric} ${formatMs(slo.targetMs)}`)}` : '';
  const title = `${t.bold('end-to-end latency')}  ${t.bad(t.colors ? '─ p99' : '━ p99')}  ${t.good('─ p50')}${sloLabel}  ${t.dim(`last ${seconds(span)} simulated`)}`;
  const plotted = chartLines(series, width, height - 1, t.colors, slo?.targetMs ?? null);
  const body =
    plotted.length > 0
      ? plotted
      : series.length === 0
        ? [t.dim('  waiting for the first requests…')]
        : [t.warn(`  no successful requests in the last ${seconds(span)}`)];
  return [title, ...body].slice(0, height).map((l) => fitWidth(l, width));
}

export function LatencyChart(props: {
  series: readonly SeriesPoint[];
  theme: Theme;
  width: number;
  height: number;
  bucketMs: number;
  slo?: { metric: string; targetMs: number } | null;
}) {
  return <Text>{chartPanelLines(props.series, props.theme, props.width, props.height, props.bucketMs, props.slo ?? null).join('\n')}</Text>;
}
