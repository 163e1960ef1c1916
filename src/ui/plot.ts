// A line chart in box-drawing characters: series with gaps (null: no data there), and labelled horizontal marks (an SLO).

/** Paints a run of characters (a colour), or leaves it as it is. */
export type Paint = (s: string) => string;

export interface PlotSeries {
  /** One value a column; null, NaN or an infinity is a gap: nothing is drawn in that column. */
  readonly values: readonly (number | null)[];
  readonly paint?: Paint;
  /** Heavy strokes (━ ┃ ┏): a second line told apart without colour. */
  heavy?: boolean;
}

/** A horizontal line across the plot at `value`, whose row is labelled with `label` (not the row's own value). */
export interface PlotMark {
  readonly value: number;
  readonly label: string;
  readonly paint?: Paint;
}

export interface PlotOptions {
  /** Rows of the plot (at least 1). */
  readonly height: number;
  /** Columns for an axis label (right-aligned; longer labels are cut on the left). */
  readonly labelWidth: number;
  readonly format: (value: number) => string;
  readonly marks?: readonly PlotMark[];
}

const AXIS_ZERO = '┼';
const AXIS = '┤';
const MARK = '╌';

const finite = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

/** The top of the scale: the largest value or mark (1 when there are none, or all are 0 or less). */
export function plotMax(series: readonly PlotSeries[], marks: readonly PlotMark[] = []): number {
  let max = 0;
  for (const s of series) for (const v of s.values) if (finite(v) && v > max) max = v;
  for (const m of marks) if (finite(m.value) && m.value > max) max = m.value;
  return max > 0 ? max : 1;
}

/** The row (0 at the bottom) nearest to `value` on a scale from 0 to `max` over `height` rows; values outside are clamped. */
export function rowOf(value: number, max: number, height: number): number {
  if (height <= 1) return 0;
  return Math.max(0, Math.min(height - 1, Math.round((value / max) * (height - 1))));
}

interface Cell {
  ch: string;
  paint?: Paint;
}

/**
 * The plot as `height` lines, each `labelWidth + 1 + columns` cells wide
 * (columns: the longest series): an axis label and tick on the left, then one
 * column a value. A segment joins two neighbouring values; a value after a gap
 * starts with a half line (╶); a gap leaves its column empty. Never throws,
 * whatever the values.
 */
/** Strokes of a line: light box drawing, or heavy for a second line when there is no colour. */
const LIGHT = { flat: '─', start: '╶', vertical: '│', upFrom: '╯', upTo: '╭', downFrom: '╮', downTo: '╰' };
const HEAVY = { flat: '━', start: '╺', vertical: '┃', upFrom: '┛', upTo: '┏', downFrom: '┓', downTo: '┗' };

export function plot(series: readonly PlotSeries[], options: PlotOptions): string[] {
  const height = Math.max(1, Math.floor(options.height));
  const marks = (options.marks ?? []).filter((m) => finite(m.value));
  const columns = Math.max(0, ...series.map((s) => s.values.length));
  const max = plotMax(series, marks);
  const grid: Cell[][] = Array.from({ length: height }, () => Array.from({ length: columns }, () => ({ ch: ' ' })));
  const put = (row: number, col: number, ch: string, paint?: Paint) => {
    grid[height - 1 - row][col] = { ch, paint };
  };

  const markRows = new Map<number, PlotMark>();
  for (const m of marks) {
    const row = rowOf(m.value, max, height);
    markRows.set(row, m);
    for (let c = 0; c < columns; c++) put(row, c, MARK, m.paint);
  }

  for (const s of series) {
    const g = s.heavy ? HEAVY : LIGHT;
    for (let c = 0; c < s.values.length; c++) {
      const v = s.values[c];
      if (!finite(v)) continue;
      const y1 = rowOf(v, max, height);
      const prev = c > 0 ? s.values[c - 1] : null;
      if (!finite(prev)) {
        put(y1, c, c === 0 ? g.flat : g.start, s.paint);
        continue;
      }
      const y0 = rowOf(prev, max, height);
      if (y0 === y1) {
        put(y1, c, g.flat, s.paint);
        continue;
      }
      const up = y1 > y0;
      put(y0, c, up ? g.upFrom : g.downFrom, s.paint);
      put(y1, c, up ? g.upTo : g.downTo, s.paint);
      for (let y = Math.min(y0, y1) + 1; y < Math.max(y0, y1); y++) put(y, c, g.vertical, s.paint);
    }
  }

  return grid.map((cells, i) => {
    const row = height - 1 - i;
    const mark = markRows.get(row);
    const value = height <= 1 ? max : (max * row) / (height - 1);
    const text = mark ? mark.label : options.format(value);
    const label = text.length > options.labelWidth ? text.slice(-options.labelWidth) : text.padStart(options.labelWidth);
    const axis = row === 0 ? AXIS_ZERO : AXIS;
    return `${mark?.paint ? mark.paint(label) : label} ${axis}${paintRuns(cells)}`;
  });
}

/** Cells to text, one paint call per run of cells with the same paint. */
function paintRuns(cells: readonly Cell[]): string {
  let out = '';
  let i = 0;
  while (i < cells.length) {
    const paint = cells[i].paint;
    let run = '';
    while (i < cells.length && cells[i].paint === paint) run += cells[i++].ch;
    out += paint && run.trim() !== '' ? paint(run) : run;
  }
  return out;
}
