// `msim run`'s export flags (--trace, --metrics, --timeseries, --html): parsed and checked before the run, their collectors, their files after it.
import type { Command } from 'commander';
import { join } from 'node:path';
import type { World } from '../model/world.js';
import type { Run } from '../run/run.js';
import type { Collector } from '../observe/feature.js';
import { chromeTrace } from '../observe/exports/trace-chrome.js';
import { TraceCollector } from '../observe/exports/trace-collector.js';
import { otlpTraces } from '../observe/exports/trace-otlp.js';
import type { Report } from '../observe/report.js';
import type { MetricsCollector } from '../observe/metrics.js';
import { prometheusText } from '../observe/exports/prometheus.js';
import { parseDuration, parseProbability } from '../scenario/units.js';
import { TimeseriesCollector, type Timeseries, timeseriesCsv } from '../observe/exports/timeseries.js';
import { htmlReport } from '../observe/exports/html-report.js';
import { UsageError } from './io.js';
import { checkOutputPath, writeAtomically } from './output.js';

export interface ExportFlags {
  metrics?: string;
  trace?: string;
  traceFormat?: string;
  traceSample?: string;
  traceSlowest?: string;
  timeseries?: string;
  interval?: string;
  jsonTimeseries?: boolean;
  html?: string;
}

/** The export options of `msim run`. */
export function addExportOptions(cmd: Command): Command {
  return cmd
    .option('--metrics <file>', "write the run's end state in the Prometheus text format (counters, latency histograms, levels)")
    .option('--trace <file>', 'write sampled requests as traces: Chrome trace JSON (Perfetto), or OTLP JSON for a file ending .otlp.json')
    .option('--trace-format <format>', 'the trace format: chrome or otlp (default: from the file name)')
    .option('--trace-sample <p>', 'with --trace: the share of requests traced, such as 1% (default) or 0 with --trace-slowest')
    .option('--trace-slowest <n>', 'with --trace: also keep the N slowest requests after the warm-up')
    .option(
      '--timeseries <file>',
      'write a CSV time series: per interval, each service (throughput, errors, rejected, p50, p99, utilization, queue, replicas up) and workload',
    )
    .option('--interval <d>', 'with --timeseries, --json-timeseries or --html: the length of an interval in simulated time (default 1s)')
    .option('--json-timeseries', 'add the time series to the JSON report (a timeseries section)')
    .option('--html <file>', 'write a self-contained HTML report with charts over time (opens offline)');
}

export type TraceFormat = 'chrome' | 'otlp';

/** The trace format from --trace-format, else from the file name (.otlp.json or .otlp: OTLP; anything else: Chrome's). */
export function traceFormatOf(file: string, flag: string | undefined): TraceFormat {
  if (flag !== undefined) {
    if (flag === 'chrome' || flag === 'otlp') return flag;
    throw new UsageError([`--trace-format ${flag}: expected chrome or otlp, found "${flag}"`]);
  }
  return /\.otlp(\.json)?$/i.test(file) ? 'otlp' : 'chrome';
}

/** The exports asked for: their collectors for the run, and what writes their files after it. */
export interface Exports {
  readonly observers: ((world: World) => Collector[]) | undefined;
  /** The time series collector, when one was asked for (--timeseries, --json-timeseries, --html). */
  readonly timeseries: () => TimeseriesCollector | null;
  /**
   * For the dashboard: the observers with a time series collector whether or not a flag asked for one
   * (a few additions per event, beside drawing), and the export key's action: the series so far to a CSV
   * file in the working directory, named by scenario, seed and simulated time; returns the log line.
   */
  dashboard(): { observers: (world: World) => Collector[]; exportNow: (run: Run) => string };
  /** The report as written: with its `timeseries` section when --json-timeseries asks for it. */
  finishReport(report: Report): Report;
  /** Write every file asked for; returns the lines telling where. */
  write(report: Report, world: World, metrics: MetricsCollector): string[];
}

/** Check the flags and the output paths (before the run), and prepare the collectors. */
export function prepareExports(flags: ExportFlags, cwd: string): Exports {
  const problems: string[] = [];
  const traceOnly = ['traceFormat', 'traceSample', 'traceSlowest'] as const;
  if (flags.trace === undefined)
    for (const k of traceOnly)
      if (flags[k] !== undefined) problems.push(`--${kebab(k)} ${flags[k]}: expected it with --trace <file>, found no --trace`);
  let sample = 0.01;
  if (flags.traceSample !== undefined) {
    const p = parseProbability(flags.traceSample.trim());
    if (p.ok) sample = p.value;
    else problems.push(`--trace-sample ${flags.traceSample}: expected ${p.expected}, found ${p.found}`);
  } else if (flags.traceSlowest !== undefined) sample = 0;
  let slowest = 0;
  if (flags.traceSlowest !== undefined) {
    const n = Number(flags.traceSlowest);
    if (!/^\s*\d+\s*$/.test(flags.traceSlowest) || !Number.isSafeInteger(n) || n < 1 || n > 1_000_000)
      problems.push(`--trace-slowest ${flags.traceSlowest}: expected a whole number from 1 to 1,000,000, found "${flags.traceSlowest}"`);
    else slowest = n;
  }
  let format: TraceFormat = 'chrome';
  try {
    if (flags.trace !== undefined) format = traceFormatOf(flags.trace, flags.traceFormat);
  } catch (e) {
    if (e instanceof UsageError) problems.push(...e.lines);
    else throw e;
  }
  let intervalMs = 1000;
  if (flags.interval !== undefined) {
    const d = parseDuration(flags.interval.trim());
    if (!d.ok) problems.push(`--interval ${flags.interval}: expected ${d.expected}, found ${d.found}`);
    else if (!(d.value >= 1)) problems.push(`--interval ${flags.interval}: expected at least 1ms, found ${flags.interval}`);
    else intervalMs = d.value;
    if (flags.timeseries === undefined && !flags.jsonTimeseries && flags.html === undefined)
      problems.push(`--interval ${flags.interval}: expected it with --timeseries, --json-timeseries or --html, found none of them`);
  }
  if (problems.length > 0) throw new UsageError(problems);
  const timeseriesPath = flags.timeseries === undefined ? undefined : checkOutputPath('--timeseries', flags.timeseries, cwd);
  const htmlPath = flags.html === undefined ? undefined : checkOutputPath('--html', flags.html, cwd);
  const tracePath = flags.trace === undefined ? undefined : checkOutputPath('--trace', flags.trace, cwd);
  const metricsPath = flags.metrics === undefined ? undefined : checkOutputPath('--metrics', flags.metrics, cwd);

  let traces: TraceCollector | null = null;
  const makers: ((world: World) => Collector)[] = [];
  if (tracePath) makers.push((world) => (traces = new TraceCollector(world, { sample, slowest })));
  let series: TimeseriesCollector | null = null;
  if (timeseriesPath || htmlPath || flags.jsonTimeseries) makers.push((world) => (series = new TimeseriesCollector(world, intervalMs)));
  return {
    observers: makers.length === 0 ? undefined : (world) => makers.map((m) => m(world)),
    timeseries: () => series,
    dashboard() {
      if (!timeseriesPath && !htmlPath && !flags.jsonTimeseries)
        makers.push((world) => (series = new TimeseriesCollector(world, intervalMs)));
      return {
        observers: (world) => makers.map((m) => m(world)),
        exportNow(run) {
          if (!series) return 'export: no time series in this session';
          const ts = series.series();
          const atS = Math.floor(run.world.sim.nowMs / 1000);
          const name = `msim-${safeName(run.spec.name)}-seed${run.world.seed}-${atS}s.csv`;
          writeAtomically(join(cwd, name), timeseriesCsv(ts));
          return `time series so far (${ts.startMs.length} intervals) written to ${name}`;
        },
      };
    },
    finishReport(report) {
      return flags.jsonTimeseries && series ? withTimeseries(report, series.series()) : report;
    },
    write(report, world, metrics) {
      const told: string[] = [];
      if (timeseriesPath && series) {
        const ts = series.series();
        writeAtomically(timeseriesPath, timeseriesCsv(ts));
        told.push(`time series of ${ts.startMs.length} intervals written to ${flags.timeseries} (CSV)`);
      }
      if (htmlPath && series) {
        writeAtomically(htmlPath, htmlReport(report.timeseries ? report : withTimeseries(report, series.series())));
        told.push(`HTML report written to ${flags.html} (self-contained: open it in a browser)`);
      }
      if (metricsPath) {
        writeAtomically(metricsPath, prometheusText(report, world, metrics));
        told.push(`metrics written to ${flags.metrics} (Prometheus text format)`);
      }
      if (tracePath && traces) {
        writeAtomically(tracePath, traceText(traces, world, report, format));
        told.push(
          `traces of ${traces.traces().length} requests written to ${flags.trace} (${format === 'otlp' ? 'OTLP JSON' : 'Chrome trace JSON: open it in ui.perfetto.dev'})`,
        );
      }
      return told;
    },
  };
}

/** The kept traces in a format. */
export function traceText(traces: TraceCollector, world: World, report: Report, format: TraceFormat): string {
  const services = world.services.map((s) => s.name);
  if (format === 'otlp') return otlpTraces(traces.traces(), services, report.seed, report.scenario);
  return chromeTrace(traces.traces(), services, {
    scenario: report.scenario,
    seed: report.seed,
    sample: traces.sampleFraction,
    slowest: traces.slowestN,
  });
}

/** A scenario name as part of a file name: letters, digits, dot, dash and underscore. */
const safeName = (s: string): string => s.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'run';

const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The report with its `timeseries` section, placed before `engine` (the section is optional: reports without it keep their bytes). */
export function withTimeseries(report: Report, ts: Timeseries): Report {
  const { engine, ...rest } = report;
  return { ...rest, timeseries: ts, engine };
}
