// The dashboard layout: header, service table, chart (or details, or help), event log, key line; sized to the terminal.
import { Box } from 'ink';
import type { Snapshot } from '../run/snapshot.js';
import { CacheTable, cacheLineCount } from './components/cache-table.js';
import { DetailsPane } from './components/details-pane.js';
import { EventLog } from './components/event-log.js';
import { Header } from './components/header.js';
import { HelpLine, HelpPane } from './components/help.js';
import { LatencyChart } from './components/latency-chart.js';
import { ServiceTable } from './components/service-table.js';
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

/** Rows for each part of the screen: the table, the cache strip and the panel share what the fixed parts leave. */
export function layout(height: number, services: number, cacheLines = 0) {
  const header = 2;
  const help = 1;
  const log = height >= 30 ? 5 : height >= 20 ? 3 : 1;
  const free = Math.max(4, height - header - help - log);
  // the cache strip is shown whole or not at all, and never takes the table's last rows or the panel's
  const caches = cacheLines > 0 && free - cacheLines >= Math.min(services, 3) + 1 + 6 ? cacheLines : 0;
  const tableRows = Math.max(1, Math.min(services, free - caches - 6)); // keep at least 5 rows for the panel
  const panel = Math.max(3, free - caches - tableRows - 1);
  return { header, tableRows, caches, panel, log, help };
}

export function Dashboard({ snapshot, ui, theme, width, height, bucketMs }: DashboardProps) {
  const l = layout(height, snapshot.services.length, cacheLineCount(snapshot.caches, snapshot.origins));
  const selected = Math.min(ui.selected, snapshot.services.length - 1);
  const row = snapshot.services[selected];
  const panel = ui.help ? (
    <HelpPane theme={theme} width={width} height={l.panel} />
  ) : ui.details && row ? (
    <DetailsPane row={row} theme={theme} width={width} height={l.panel} hops={snapshot.hops} />
  ) : (
    <LatencyChart series={snapshot.series} theme={theme} width={width} height={l.panel} bucketMs={bucketMs} slo={snapshot.slo} />
  );
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Header snapshot={snapshot} theme={theme} width={width} />
      <ServiceTable rows={snapshot.services} selected={selected} theme={theme} width={width} maxRows={l.tableRows} />
      {l.caches > 0 ? (
        <Box height={l.caches}>
          <CacheTable caches={snapshot.caches} origins={snapshot.origins} theme={theme} width={width} />
        </Box>
      ) : null}
      <Box height={l.panel}>{panel}</Box>
      <Box height={l.log}>
        <EventLog entries={snapshot.log} theme={theme} width={width} lines={l.log} />
      </Box>
      <HelpLine theme={theme} width={width} />
    </Box>
  );
}
