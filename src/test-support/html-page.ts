// Test helper: the HTML report of a small run with a fault, a kill, an intervention, an SLO and its time series.
import { htmlReport } from '../observe/exports/html-report.js';
import { TimeseriesCollector } from '../observe/exports/timeseries.js';
import { Run } from '../run/run.js';
import { loadScenarioText } from '../scenario/load.js';

export const pageSpec = loadScenarioText(
  `name: 'shop <&> "quoted"'
description: a page test
duration: 20s
warmup: 2s
slo: { p99: 40ms }
faults:
  - { at: 8s, for: 4s, cpu: db, factor: 4 }
  - { at: 15s, kill: "api#1" }
workloads: [{ name: w, to: api, arrivals: poisson(200/s) }]
services:
  api: { replicas: 2, cores: 2, concurrency: 8, queue: 50, cpu: exp(mean=2ms), calls: [{ to: db, timeout: 50ms, retry: { attempts: 2 } }] }
  db: { replicas: 2, cores: 1, cpu: exp(mean=2ms), errors: 1% }
`,
  'page.yaml',
);

export function pageOf(withSeries = true): string {
  let ts!: TimeseriesCollector;
  const run = new Run(pageSpec, { observers: (world) => [(ts = new TimeseriesCollector(world, 500))] });
  run.advance(10_000);
  run.intervene('add-replica', 'db');
  const report = run.runToEnd();
  return htmlReport(withSeries ? { ...report, timeseries: ts.series() } : report);
}
