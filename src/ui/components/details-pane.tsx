// Details of the selected service: its state, what-ifs in force, and each replica's queue and cores.
import { Text } from 'ink';
import type { ServiceRow } from '../../run/snapshot.js';
import { type Theme, bar, fit } from '../theme.js';

const CELL = 42;

export function detailsLines(row: ServiceRow, t: Theme, width: number, height: number): string[] {
  const head =
    `${t.bold(t.accent(row.name))}  ${row.replicasUp}/${row.replicasTotal} replicas up, ${row.cores} core${row.cores === 1 ? '' : 's'} each, ${row.inFlight} in flight, ${row.queue} waiting` +
    `${row.slowed ? t.warn('  CPU x3') : ''}${row.injectedErrors ? t.bad('  +20% errors') : ''}`;
  const perLine = Math.max(1, Math.floor(width / CELL));
  const room = Math.max(0, height - 2) * perLine;
  const cells = row.replicas.slice(0, room).map((r) => {
    const state = r.up ? 'up' : r.inSystem > 0 ? 'drain' : 'down';
    const text = `${r.id.slice(0, 14).padEnd(14)} ${state.padEnd(5)} q ${String(r.waiting).padStart(3)} ${bar(r.busyCores / row.cores, 8)} ${`${r.busyCores}/${row.cores}`.padEnd(6)}`;
    return r.up ? text : t.dim(text);
  });
  const lines = [head];
  for (let i = 0; i < cells.length; i += perLine) lines.push(cells.slice(i, i + perLine).join(' '));
  if (row.replicas.length > cells.length) lines.push(t.dim(`… ${row.replicas.length - cells.length} more replicas`));
  return lines.slice(0, height).map((l) => fit(l, width));
}

export function DetailsPane(props: { row: ServiceRow; theme: Theme; width: number; height: number }) {
  return <Text>{detailsLines(props.row, props.theme, props.width, props.height).join('\n')}</Text>;
}
