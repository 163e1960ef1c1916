// The service table: one row per service, coloured by health, with queue and utilization bars.
import { Text } from 'ink';
import { formatCount, formatMs } from '../../observe/format.js';
import type { ServiceRow } from '../../run/snapshot.js';
import { type Theme, bar, fitWidth } from '../theme.js';
import { type HistoryMetric, METRIC_INFO, rowSparkline, sparkSpanMs } from './sparkline.js';

const ms = (x: number | null) => (x === null ? '-' : formatMs(x));

/** Fixed columns: marker 2, rep 6, infl 6, queue 6, bar gap 1, util 6, gap 1, req/s 7, err 6, p50 8, p99 8. */
const FIXED_COLUMNS = 57;

/** Column widths for a terminal `width` columns wide: the bars and the name column share what is left. */
export function tableLayout(width: number) {
  const free = Math.max(0, width - FIXED_COLUMNS - 1);
  const barWidth = Math.max(4, Math.min(20, Math.floor((free - 11) / 2)));
  const name = Math.max(9, Math.min(24, free - 2 * barWidth));
  return { name, barWidth };
}

/** The rows shown of `count` when `rows` fit: the selection in the middle where possible; how many are hidden above and below. */
export function tableWindow(count: number, selected: number, rows: number): { first: number; shown: number; above: number; below: number } {
  const shown = Math.max(0, Math.min(count, rows));
  const sel = Math.max(0, Math.min(count - 1, selected));
  const first = Math.max(0, Math.min(sel - Math.floor((shown - 1) / 2), count - shown));
  return { first, shown, above: first, below: count - first - shown };
}

/**
 * A name cut to `width` cells, ending in … when cut; the flags (slow, err+)
 * are kept whole when there is room. With `middle`, the … goes in the middle
 * (for names that would read the same cut at their end).
 */
export function fitName(name: string, flags: string, width: number, middle = false): string {
  const text = name + flags;
  if (text.length <= width) return text.padEnd(width);
  const room = width - flags.length - 1;
  if (middle) return room >= 3 ? `${middleCut(name, room + 1)}${flags}` : middleCut(text, width);
  return room >= 3 ? `${name.slice(0, room)}…${flags}` : `${text.slice(0, Math.max(0, width - 1))}…`;
}

/** Rows whose names, cut at their end to `width`, would read the same as another row's: they are cut in the middle instead. */
function clashing(names: readonly string[], width: number): Set<string> {
  const byCut = new Map<string, string[]>();
  for (const n of names) {
    const cut = fitName(n, '', width);
    byCut.set(cut, [...(byCut.get(cut) ?? []), n]);
  }
  return new Set([...byCut.values()].filter((group) => group.length > 1 && group.some((n) => n.length > width)).flat());
}

/** `text` in `width` cells: its start, …, its end (the end is what tells similar names apart). */
export function middleCut(text: string, width: number): string {
  if (text.length <= width) return text;
  if (width <= 1) return '…'.slice(0, width);
  const tail = Math.floor((width - 1) / 2);
  return `${text.slice(0, width - 1 - tail)}…${text.slice(text.length - tail)}`;
}

/** A count in at most 5 cells: exact below 10,000, then 12.3k, 2.10M. */
const count5 = (n: number) => (n < 10_000 ? String(n) : formatCount(n));

/** The sparkline column asked of the table: its metric, and the simulated milliseconds a history bucket covers. */
export interface SparkColumn {
  readonly metric: HistoryMetric;
  readonly bucketMs: number;
}

/**
 * Where the sparkline goes in a table `width` wide: after the p99 column, in
 * what is left beside the bars when that is at least 16 cells (wide
 * terminals); else in place of the two bars (their figures stay).
 */
export function sparkLayout(width: number): { bars: boolean; spark: number } {
  const { name, barWidth } = tableLayout(width);
  const leftover = width - 1 - (FIXED_COLUMNS - 1 + name + 2 * barWidth);
  if (leftover >= 17) return { bars: true, spark: Math.min(60, leftover - 1) };
  return { bars: false, spark: Math.max(0, width - 1 - (FIXED_COLUMNS - 3 + name) - 1) };
}

/** The sparkline column's header: the metric and the time it covers (`p99 15s`), in `width` cells. */
function sparkHeader(spark: SparkColumn, width: number): string {
  const span = sparkSpanMs(width, spark.bucketMs) / 1000;
  const text = `${METRIC_INFO[spark.metric].label} ${span < 10 ? span.toFixed(1) : Math.round(span)}s`;
  return (text.length <= width ? text : METRIC_INFO[spark.metric].label).slice(0, width).padEnd(width);
}

/**
 * Lines of the table in `lines` lines at most: a header, the rows around the
 * selection, and a line saying how many rows are hidden (when some are).
 * With `spark`, each row ends in a sparkline of that metric's history.
 */
export function tableLines(
  rows: readonly ServiceRow[],
  selected: number,
  t: Theme,
  width: number,
  lines: number,
  spark?: SparkColumn,
): string[] {
  const { name: nameW } = tableLayout(width);
  const sl = spark ? sparkLayout(width) : { bars: true, spark: 0 };
  const barWidth = sl.bars ? tableLayout(width).barWidth : -1; // -1: no bar and no space before it
  const hides = rows.length > Math.max(0, lines - 1);
  const win = tableWindow(rows.length, selected, Math.max(1, lines - (hides && lines >= 3 ? 2 : 1)));
  const gap = (w: number) => (w < 0 ? '' : ` ${''.padEnd(w)}`);
  const sparkHead = spark && sl.spark > 0 ? ` ${sparkHeader(spark, sl.spark)}` : '';
  const header = t.bold(
    `  ${'service'.padEnd(nameW)} ${'rep'.padStart(5)} ${'infl'.padStart(5)} ${'queue'.padStart(5)}${gap(barWidth)} ${'util'.padStart(4)}${gap(barWidth)} ${'req/s'.padStart(6)} ${'err'.padStart(5)} ${'p50'.padStart(7)} ${'p99'.padStart(7)}${sparkHead}`,
  );
  const out = [fitWidth(header, width)];
  const middle = clashing(
    rows.map((r) => r.name),
    nameW,
  );
  for (let i = win.first; i < win.first + win.shown; i++) {
    const r = rows[i];
    const paint = t.health(r.health);
    // without colour, a mark beside the name says what the colour would: ! for a service in trouble, ~ for one to watch
    const mark = t.colors ? '' : r.health === 'bad' ? '!' : r.health === 'warn' ? '~' : '';
    const name = fitName(r.name, `${r.slowed ? ' slow' : ''}${r.injectedErrors ? ' err+' : ''}`, nameW, middle.has(r.name));
    const rep = `${r.replicasUp}/${r.replicasTotal}`.padStart(5);
    // no successful request lately (an outage): the last percentiles would be stale
    const stale = r.throughputPerSec === 0;
    const err = `${(r.errorRate * 100).toFixed(r.errorRate < 0.1 ? 1 : 0)}%`.padStart(5);
    const bars = (fraction: number) => (barWidth < 0 ? '' : ` ${paint(bar(fraction, barWidth))}`);
    const line =
      `${i === selected ? '›' : ' '}${mark || ' '}${paint(name)} ${r.replicasUp < r.replicasTotal ? t.warn(rep) : rep}` +
      ` ${count5(r.inFlight).padStart(5)} ${count5(r.queue).padStart(5)}${bars(r.queue / Math.max(10, r.inFlight))}` +
      ` ${`${Math.round(r.utilization * 100)}%`.padStart(4)}${bars(r.utilization)}` +
      ` ${formatCount(r.throughputPerSec).padStart(6)} ${r.errorRate > 0 ? paint(err) : err} ${ms(stale ? null : r.p50Ms).padStart(7)} ${ms(stale ? null : r.p99Ms).padStart(7)}` +
      (spark && sl.spark > 0 ? ` ${paint(rowSparkline(r.history, spark.metric, sl.spark))}` : '');
    out.push(fitWidth(i === selected ? t.inverse(line) : line, width));
  }
  if (win.above + win.below > 0 && out.length < lines) {
    const parts = [win.above > 0 ? `${win.above} above` : '', win.below > 0 ? `${win.below} below` : ''].filter(Boolean);
    out.push(fitWidth(t.dim(`  … ${parts.join(', ')} (${rows.length} services, ↑↓ to scroll)`), width));
  }
  return out;
}

export function ServiceTable(props: { rows: readonly ServiceRow[]; selected: number; theme: Theme; width: number; lines: number }) {
  return <Text>{tableLines(props.rows, props.selected, props.theme, props.width, props.lines).join('\n')}</Text>;
}
