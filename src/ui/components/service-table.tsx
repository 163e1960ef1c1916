// The service table: one row per service, coloured by health, with queue and utilization bars.
import { Text } from 'ink';
import { formatCount, formatMs } from '../../observe/format.js';
import type { ServiceRow } from '../../run/snapshot.js';
import { type Theme, bar, fit } from '../theme.js';

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

export function tableLines(rows: readonly ServiceRow[], selected: number, t: Theme, width: number, maxRows: number): string[] {
  const { name: nameW, barWidth } = tableLayout(width);
  const visible = Math.max(1, Math.min(rows.length, maxRows));
  const first = Math.max(0, Math.min(selected - Math.floor(visible / 2), rows.length - visible));
  const header = t.bold(`  ${'service'.padEnd(nameW)} ${'rep'.padStart(5)} ${'infl'.padStart(5)} ${'queue'.padStart(5)} ${''.padEnd(barWidth)} ${'util'.padStart(4)} ${''.padEnd(barWidth)} ${'req/s'.padStart(6)} ${'err'.padStart(5)} ${'p50'.padStart(7)} ${'p99'.padStart(7)}`);
  const lines = [fit(header, width)];
  for (let i = first; i < first + visible; i++) {
    const r = rows[i];
    const paint = t.health(r.health);
    const flags = `${r.slowed ? ' slow' : ''}${r.injectedErrors ? ' err+' : ''}`;
    const name = (r.name + flags).slice(0, nameW).padEnd(nameW);
    const rep = `${r.replicasUp}/${r.replicasTotal}`.padStart(5);
    const err = `${(r.errorRate * 100).toFixed(r.errorRate < 0.1 ? 1 : 0)}%`.padStart(5);
    const line =
      `${i === selected ? '› ' : '  '}${paint(name)} ${r.replicasUp < r.replicasTotal ? t.warn(rep) : rep}` +
      ` ${String(r.inFlight).padStart(5)} ${String(r.queue).padStart(5)} ${paint(bar(r.queue / Math.max(10, r.inFlight), barWidth))}` +
      ` ${`${Math.round(r.utilization * 100)}%`.padStart(4)} ${paint(bar(r.utilization, barWidth))}` +
      ` ${formatCount(r.throughputPerSec).padStart(6)} ${r.errorRate > 0 ? paint(err) : err} ${ms(r.p50Ms).padStart(7)} ${ms(r.p99Ms).padStart(7)}`;
    lines.push(fit(i === selected ? t.inverse(line) : line, width));
  }
  if (rows.length > visible) lines.push(t.dim(`  … ${rows.length - visible} more (↑↓ to scroll)`));
  return lines;
}

export function ServiceTable(props: { rows: readonly ServiceRow[]; selected: number; theme: Theme; width: number; maxRows: number }) {
  return <Text>{tableLines(props.rows, props.selected, props.theme, props.width, props.maxRows).join('\n')}</Text>;
}
