// The live call graph: services as a tree from where requests enter, each edge labelled with its rate, error or retry ratio and p99; hot edges coloured; it scrolls with the selection.
import { formatCount, formatMs } from '../../observe/format.js';
import type { CallGraph, GraphEdge, Health, ServiceRow } from '../../run/snapshot.js';
import { type Theme, fitWidth } from '../theme.js';
import { fitName, tableWindow } from './service-table.js';

/** One line of the tree: a service reached through an edge (null for a root), its depth and the tree's drawing before it. */
export interface TreeLine {
  readonly service: string;
  readonly edge: GraphEdge | null;
  readonly prefix: string;
  /** Shown (and expanded) earlier: its calls are not repeated here. */
  readonly seen: boolean;
}

/**
 * The call graph as tree lines: from each root (entry services first, then
 * any service nothing calls, then any left, in row order), each callee under
 * its caller, in row order. A service met again is shown with its edge but
 * not expanded again (`seen`), so a graph with shared callees or cycles stays
 * finite: at most one line per edge plus one per root.
 */
export function treeLines(services: readonly string[], graph: CallGraph): TreeLine[] {
  const order = new Map(services.map((s, i) => [s, i]));
  const out = new Map<string, GraphEdge[]>();
  const called = new Set<string>();
  for (const e of graph.edges) {
    if (!out.has(e.from)) out.set(e.from, []);
    out.get(e.from)!.push(e);
    called.add(e.to);
  }
  for (const list of out.values()) list.sort((a, b) => (order.get(a.to) ?? 0) - (order.get(b.to) ?? 0));
  const lines: TreeLine[] = [];
  const expanded = new Set<string>();
  const visit = (service: string, edge: GraphEdge | null, prefix: string, childPrefix: string) => {
    const seen = expanded.has(service);
    lines.push({ service, edge, prefix, seen: seen && (out.get(service)?.length ?? 0) > 0 });
    if (seen) return;
    expanded.add(service);
    const children = out.get(service) ?? [];
    children.forEach((e, i) => {
      const last = i === children.length - 1;
      visit(e.to, e, `${childPrefix}${last ? '└▶ ' : '├▶ '}`, `${childPrefix}${last ? '   ' : '│  '}`);
    });
  };
  const roots = [...graph.roots.filter((r) => order.has(r)), ...services.filter((s) => !called.has(s))];
  for (const r of roots) if (!expanded.has(r)) visit(r, null, '', '');
  for (const s of services) if (!expanded.has(s)) visit(s, null, '', '');
  return lines;
}

/** How an edge looks: failing or retrying a lot is bad, some is to watch. */
export function edgeHealth(e: GraphEdge): Health {
  if (e.errorRate >= 0.05 || e.retryRatio >= 0.2) return 'bad';
  if (e.errorRate >= 0.01 || e.retryRatio >= 0.05) return 'warn';
  return 'ok';
}

const pct = (x: number) => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`;

/** The edge's ratio worth showing: its errors, or its retries when they are the larger. */
function ratio(e: GraphEdge): string {
  if (e.retryRatio > e.errorRate) return `retry ${pct(e.retryRatio)}`;
  return `err ${pct(e.errorRate)}`;
}

/** Lines of the tree under a header, `lines` at most, the selected service's first line kept in view (like the table). */
export function graphLines(
  rows: readonly ServiceRow[],
  graph: CallGraph | undefined,
  selected: number,
  t: Theme,
  width: number,
  lines: number,
): string[] {
  const names = rows.map((r) => r.name);
  const tree = treeLines(names, graph ?? { roots: [], edges: [] });
  const byName = new Map(rows.map((r) => [r.name, r]));
  const selectedName = names[Math.max(0, Math.min(selected, names.length - 1))];
  const nameW = Math.max(12, Math.min(Math.max(...tree.map((l) => l.prefix.length + l.service.length + 2), 12), width - 30));
  const header = t.bold(
    `  ${'call graph'.padEnd(nameW)} ${'rate/s'.padStart(7)} ${'err/retry'.padStart(11)} ${'p99'.padStart(7)}  ${t.dim('edges: attempts to the callee')}`,
  );
  const hides = tree.length > Math.max(0, lines - 1);
  const firstOfSelected = Math.max(
    0,
    tree.findIndex((l) => l.service === selectedName),
  );
  const win = tableWindow(tree.length, firstOfSelected, Math.max(1, lines - (hides && lines >= 3 ? 2 : 1)));
  const out = [fitWidth(header, width)];
  for (let i = win.first; i < win.first + win.shown; i++) {
    const l = tree[i];
    const row = byName.get(l.service);
    const isSel = l.service === selectedName;
    const label = fitName(`${l.service}${l.seen ? ' ↑' : ''}`, '', Math.max(3, nameW - l.prefix.length));
    let figures: string;
    let paint = (s: string) => s;
    if (l.edge) {
      const e = l.edge;
      const h = edgeHealth(e);
      paint = h === 'ok' ? t.dim : t.health(h);
      figures = `${formatCount(e.ratePerSec).padStart(7)} ${ratio(e).padStart(11)} ${(e.p99Ms === null ? '-' : formatMs(e.p99Ms)).padStart(7)}`;
    } else {
      // a root: the service's own figures (its requests and their p99)
      const r = row;
      figures = r
        ? `${formatCount(r.throughputPerSec).padStart(7)} ${`err ${pct(r.errorRate)}`.padStart(11)} ${(r.p99Ms === null ? '-' : formatMs(r.p99Ms)).padStart(7)}`
        : '';
    }
    const mark = t.colors || !l.edge ? ' ' : edgeHealth(l.edge) === 'bad' ? '!' : edgeHealth(l.edge) === 'warn' ? '~' : ' ';
    const nodePaint = row ? t.health(row.health) : (s: string) => s;
    const line = `${isSel ? '›' : ' '}${mark}${paint(l.prefix)}${nodePaint(label)} ${l.edge && edgeHealth(l.edge) !== 'ok' ? paint(figures) : figures}`;
    out.push(fitWidth(isSel ? t.inverse(line) : line, width));
  }
  if (win.above + win.below > 0 && out.length < lines) {
    const parts = [win.above > 0 ? `${win.above} above` : '', win.below > 0 ? `${win.below} below` : ''].filter(Boolean);
    out.push(fitWidth(t.dim(`  … ${parts.join(', ')} (${tree.length} lines, ↑↓ to scroll)`), width));
  }
  return out;
}

/** Lines the graph view takes whole: its header and one per tree line. */
export function graphLineCount(rows: readonly ServiceRow[], graph: CallGraph | undefined): number {
  return (
    1 +
    treeLines(
      rows.map((r) => r.name),
      graph ?? { roots: [], edges: [] },
    ).length
  );
}
