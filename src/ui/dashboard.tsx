// The dashboard layout: header, service table, cache strip, chart (or details, or help), event log, key line; exactly the terminal's size.
import { Box, Text } from 'ink';
import type { Snapshot } from '../run/snapshot.js';
import { HISTORY_METRICS } from '../observe/live-history.js';
import { cacheLines } from './components/cache-table.js';
import { graphLineCount, graphLines } from './components/call-graph.js';
import { detailsLines } from './components/details-pane.js';
import { logLines } from './components/event-log.js';
import { headerLines } from './components/header.js';
import { helpLine, helpPaneLines } from './components/help.js';
import { chartPanelLines } from './components/latency-chart.js';
import { heatmapPanelLines } from './components/latency-heatmap.js';
import { objectiveLines } from './components/objectives.js';
import { sagaLines } from './components/saga-table.js';
import { tableLines } from './components/service-table.js';
import { topicLines } from './components/topic-table.js';
import type { UiState } from './keys.js';
import type { Theme } from './theme.js';

export interface DashboardProps {
  snapshot: Snapshot;
  ui: UiState;
  theme: Theme;
  width: number;
  height: number;
  /** Simulated milliseconds per chart point. */
  bucketMs: number;
}

export interface Layout {
  header: number;
  /** Lines of the service table: its header, the rows shown and, when some are hidden, a line saying how many. */
  table: number;
  caches: number;
  panel: number;
  log: number;
  help: number;
}

const PANEL_MIN = 5; // a title and four rows of chart

/**
 * Lines for each part of a screen `height` lines high; they add up to
 * `height` (from 3 lines up). The header and the key line are fixed, the log
 * grows with the height; the table gets its rows up to what leaves the panel
 * about 40% of the rest (at least a few rows either way, the table scrolling
 * with the selection); the cache strip shows whole or not at all. With
 * `focusPanel` (help or details open) the panel takes what the table and the
 * strip can give.
 */
export function layout(height: number, services: number, cacheLines = 0, focusPanel = false): Layout {
  const h = Math.max(0, Math.floor(height));
  const header = Math.min(2, h);
  const help = h > 2 ? 1 : 0;
  const log = h >= 30 ? 5 : h >= 20 ? 3 : h >= 12 ? 2 : h >= 8 ? 1 : 0;
  const avail = Math.max(0, h - header - help - log);
  const tableFull = 1 + services;
  const tableMin = Math.min(tableFull, 1 + Math.min(services, 3) + (services > 3 ? 1 : 0));
  const caches = !focusPanel && cacheLines > 0 && avail - cacheLines >= tableMin + PANEL_MIN ? cacheLines : 0;
  const rest = avail - caches;
  const panelTarget = focusPanel ? rest : Math.max(PANEL_MIN, Math.floor(rest * 0.4));
  const table = Math.max(Math.min(tableMin, rest), Math.min(tableFull, rest - panelTarget));
  return { header, table, caches, panel: rest - table, log, help };
}

/** The whole screen as `height` lines, none wider than `width`. */
export function dashboardLines({ snapshot, ui, theme: t, width, height, bucketMs }: DashboardProps): string[] {
  // the strip under the table: a lesson's objectives, the caches, the topics, the sagas, in that order of priority; as many
  // of them, whole, as fit with the table and the panel
  const parts = [
    objectiveLines(snapshot.objectives, t, width),
    cacheLines(snapshot.caches, snapshot.origins, t, width),
    topicLines(snapshot.topicGroups, t, width),
    sagaLines(snapshot.sagas, t, width),
  ].filter((lines) => lines.length > 0);
  const focus = ui.help || ui.details;
  // the call graph takes the table's place: its lines count as rows
  const tableRows = ui.graph ? graphLineCount(snapshot.services, snapshot.graph) - 1 : snapshot.services.length;
  let strip: string[] = [];
  let l = layout(height, tableRows, 0, focus);
  for (let n = parts.length; n > 0; n--) {
    const lines = parts.slice(0, n).flat();
    const tried = layout(height, tableRows, lines.length, focus);
    if (tried.caches > 0) {
      strip = lines;
      l = tried;
      break;
    }
  }
  const selected = Math.max(0, Math.min(ui.selected, snapshot.services.length - 1));
  const row = snapshot.services[selected];
  const panel = ui.help
    ? helpPaneLines(t, width, l.panel)
    : ui.details && row
      ? detailsLines(row, t, width, l.panel, snapshot.hops)
      : ui.distribution
        ? heatmapPanelLines(
            ui.distribution === 'service' ? snapshot.latency?.services[selected] : snapshot.latency?.endToEnd,
            ui.distribution === 'service' && row ? row.name : 'end to end',
            t,
            width,
            l.panel,
            snapshot.latency?.bucketMs ?? bucketMs,
          )
        : chartPanelLines(snapshot.series, t, width, l.panel, bucketMs, snapshot.slo);
  const block = (lines: readonly string[], n: number) => Array.from({ length: n }, (_, i) => lines[i] ?? '');
  return [
    ...block(headerLines(snapshot, t, width), l.header),
    ...block(
      ui.graph
        ? graphLines(snapshot.services, snapshot.graph, selected, t, width, l.table)
        : tableLines(snapshot.services, selected, t, width, l.table, { metric: HISTORY_METRICS[ui.metric ?? 0], bucketMs }),
      l.table,
    ),
    ...block(strip, l.caches),
    ...block(panel, l.panel),
    ...block(logLines(snapshot.log, t, width, l.log, ui.logEnd), l.log),
    ...block([helpLine(t, width)], l.help),
  ];
}

/** One text block of fixed lines: nothing for the layout engine to shrink, overlap or wrap. */
export function Dashboard(props: DashboardProps) {
  return (
    <Box width={props.width} height={props.height} overflow="hidden">
      <Text>{dashboardLines(props).join('\n')}</Text>
    </Box>
  );
}
