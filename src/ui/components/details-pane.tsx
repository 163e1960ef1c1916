// Details of the selected service: its state, what-ifs in force, and each replica's queue and cores.
import { Text } from 'ink';
import type { ServiceRow } from '../../run/snapshot.js';
import { type Theme, bar, fitWidth } from '../theme.js';

const CELL = 42;

/** A replica id cut to `width` cells: the service name gives way (ending in …), the #index stays. */
export function fitId(id: string, width: number): string {
  if (id.length <= width) return id.padEnd(width);
  const hash = id.lastIndexOf('#');
  const suffix = hash > 0 && id.length - hash < width - 2 ? id.slice(hash) : '';
  return `${id.slice(0, width - suffix.length - 1)}…${suffix}`;
}

/** The hop-class mix of all messages so far, for the details pane. */
export function hopMix(hops: readonly [number, number, number] | null): string | null {
  if (hops === null) return null;
  const total = hops[0] + hops[1] + hops[2];
  if (total === 0) return 'network: no messages yet';
  const pct = (n: number) => `${((100 * n) / total).toFixed(n > 0 && (100 * n) / total < 1 ? 1 : 0)}%`;
  return `network: ${pct(hops[0])} same datacenter, ${pct(hops[1])} across datacenters, ${pct(hops[2])} across regions`;
}

export function detailsLines(
  row: ServiceRow,
  t: Theme,
  width: number,
  height: number,
  hops: readonly [number, number, number] | null = null,
): string[] {
  const head =
    `${t.bold(t.accent(row.name))}  ${row.replicasUp}/${row.replicasTotal} replicas up, ${row.cores} core${row.cores === 1 ? '' : 's'} each, ${row.inFlight} in flight, ${row.queue} waiting` +
    `${row.slowed ? t.warn('  CPU x3') : ''}${row.injectedErrors ? t.bad('  +20% errors') : ''}`;
  const perLine = Math.max(1, Math.floor(width / CELL));
  const lines = [head];
  const mix = hopMix(hops);
  if (mix) lines.push(t.dim(mix));
  if (row.breakers.length > 0) {
    const paint = (state: string) => (state === 'open' ? t.bad : state === 'halfOpen' ? t.warn : t.good);
    lines.push(
      `${t.bold('breakers')} ${row.breakers.map((b) => `${b.name} ${b.disabled ? t.dim('off') : paint(b.state)(b.state)}`).join('  ')}`,
    );
  }

  for (const e of row.edges) {
    const parts = [
      `${e.calls} calls`,
      e.retries && `${e.retries} retries`,
      e.timeouts && t.warn(`${e.timeouts} timeouts`),
      e.refused && t.bad(`${e.refused} refused`),
      e.hedges && `${e.hedges} hedges`,
      e.fallbacks && `${e.fallbacks} fallbacks`,
    ].filter(Boolean);
    lines.push(`-> ${e.to}: ${parts.join(', ')}`);
  }
  // replicas grouped by location (one group when the scenario has a single place)
  const locations = [...new Set(row.replicas.map((r) => r.location))];
  for (const loc of locations) {
    const here = row.replicas.filter((r) => r.location === loc);
    if (locations.length > 1) lines.push(`${t.accent(loc)} ${t.dim(`${here.filter((r) => r.up).length}/${here.length} up`)}`);
    const cells = here.map((r) => {
      const state = r.up ? 'up' : r.inSystem > 0 ? 'drain' : 'down';
      const text = `${fitId(r.id, 14)} ${state.padEnd(5)} q ${String(r.waiting).padStart(3)} ${bar(r.busyCores / row.cores, 8)} ${`${r.busyCores}/${row.cores}`.padEnd(6)}`;
      return r.up ? text : t.dim(text);
    });
    for (let i = 0; i < cells.length; i += perLine) lines.push(cells.slice(i, i + perLine).join(' '));
  }
  const fitted =
    lines.length <= height
      ? lines
      : [...lines.slice(0, Math.max(1, height - 1)), t.dim(`… ${lines.length - Math.max(1, height - 1)} more lines`)];
  return fitted.slice(0, height).map((l) => fitWidth(l, width));
}

export function DetailsPane(props: {
  row: ServiceRow;
  theme: Theme;
  width: number;
  height: number;
  hops?: readonly [number, number, number] | null;
}) {
  return <Text>{detailsLines(props.row, props.theme, props.width, props.height, props.hops ?? null).join('\n')}</Text>;
}
