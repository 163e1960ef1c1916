import { describe, expect, it } from 'vitest';
import { Run } from '../../run/run.js';
import { loadScenarioText } from '../../scenario/load.js';
import { type Timeseries, TimeseriesCollector, timeseriesCsv } from './timeseries.js';

const spec = loadScenarioText(
  `name: series
duration: 12.5s
warmup: 0s
faults:
  - { at: 4s, kill: "db#1" }
  - { at: 6s, for: 2s, cpu: api, factor: 3 }
workloads: [{ name: w, to: api, arrivals: poisson(300/s) }]
services:
  api: { replicas: 2, cores: 2, concurrency: 8, queue: 30, cpu: exp(mean=2ms), calls: [db] }
  db: { replicas: 3, cores: 1, cpu: exp(mean=3ms), errors: 1% }
`,
  'series.yaml',
);

function run(intervalMs: number, peekEveryMs = 0) {
  let collector!: TimeseriesCollector;
  const r = new Run(spec, { observers: (world) => [(collector = new TimeseriesCollector(world, intervalMs))] });
  if (peekEveryMs > 0) {
    // read the series mid-run (what the dashboard's export does): the end result must not change
    for (let t = peekEveryMs; t < spec.durationMs; t += peekEveryMs) {
      r.advance(t);
      collector.series();
    }
  }
  const report = r.runToEnd();
  return { report, ts: collector.series(), collector };
}

const sum = (xs: readonly (number | null)[]) => xs.reduce<number>((a, b) => a + (b ?? 0), 0);

describe('time series', () => {
  const { report, ts } = run(1000);

  it('has contiguous intervals from 0 to the end, the last one partial', () => {
    expect(ts.startMs[0]).toBe(0);
    expect(ts.startMs.length).toBe(13);
    for (let i = 1; i < ts.startMs.length; i++) expect(ts.startMs[i]).toBe(ts.endMs[i - 1]);
    expect(ts.endMs.at(-1)).toBe(12_500);
    for (const c of [...Object.values(ts.services), ...Object.values(ts.workloads)])
      for (const col of Object.values(c)) expect(col).toHaveLength(13);
  });

  it('adds up to the report (no warm-up: every request is measured)', () => {
    for (const [name, s] of Object.entries(report.services)) {
      const c = ts.services[name];
      expect(sum(c.completed), name).toBe(s.requests.completed);
      expect(sum(c.errors), name).toBe(s.requests.failed);
      expect(sum(c.rejected), name).toBe(s.requests.rejected);
      // levels: the interval means weighted by their lengths make the run's mean
      const weighted = (xs: readonly (number | null)[]) =>
        xs.reduce<number>((a, x, i) => a + (x ?? 0) * (ts.endMs[i] - ts.startMs[i]), 0) / 12_500;
      expect(weighted(c.queueLength)).toBeCloseTo(s.queueLength.mean!, 3);
    }
    const w = ts.workloads.w;
    expect(sum(w.completed)).toBe(report.workloads.w.requests.completed);
    expect(sum(w.errors)).toBe(report.workloads.w.requests.failed);
    expect(sum(w.rejected)).toBe(report.workloads.w.requests.rejected);
  });

  it('shows the kill and the slow-down where they happened', () => {
    expect(ts.services.db.replicasUp.slice(0, 4)).toEqual([3, 3, 3, 3]);
    expect(ts.services.db.replicasUp.slice(4)).toEqual(Array(9).fill(2));
    const u = ts.services.api.utilization as number[];
    expect(Math.min(u[6], u[7])).toBeGreaterThan(2 * Math.max(u[2], u[3], u[10], u[11]));
    // api's utilization with constant replicas: busy core-ms / (cores x replicas x ms) per interval, averaged
    const mean = u.reduce((a, x, i) => a + x * (ts.endMs[i] - ts.startMs[i]), 0) / 12_500;
    expect(mean).toBeCloseTo(report.services.api.utilization!, 3);
  });

  it('p50 and p99 per interval are of the requests that ended in it', () => {
    const w = ts.workloads.w;
    for (let i = 0; i < ts.startMs.length; i++) {
      expect(w.p50Ms[i]!).toBeLessThanOrEqual(w.p99Ms[i]!);
      expect(w.p99Ms[i]!).toBeLessThanOrEqual(report.workloads.w.latencyMs.max!);
    }
  });

  it('is deterministic, and reading it mid-run changes nothing', () => {
    const again = run(1000, 730);
    expect(again.ts).toEqual(ts);
    expect(timeseriesCsv(again.ts)).toBe(timeseriesCsv(ts));
  });

  it('a finer interval splits the same counts', () => {
    const fine = run(250).ts;
    expect(fine.startMs.length).toBe(50);
    expect(sum(fine.workloads.w.completed)).toBe(sum(ts.workloads.w.completed));
    expect(sum(fine.services.db.errors)).toBe(sum(ts.services.db.errors));
  });

  it('keeps memory flat: the open interval reuses its histograms, so 125 intervals cost what 13 do', () => {
    const blocks = (c: TimeseriesCollector) =>
      // biome-ignore lint/suspicious/noExplicitAny: a look inside, for the test
      [...(c as any).services, ...(c as any).workloads].reduce((a: number, b: any) => a + b.latency.blockCount, 0);
    const fine = blocks(run(100).collector);
    expect(fine).toBe(blocks(run(1000).collector));
    expect(fine).toBe(blocks(run(12_500).collector));
  });

  it('writes CSV: a header, a row per interval and service or workload, empty cells for no value', () => {
    const csv = timeseriesCsv(ts);
    const lines = csv.trimEnd().split('\n');
    expect(lines[0]).toBe(
      'start_s,end_s,kind,name,completed,errors,rejected,throughput_per_s,p50_ms,p99_ms,utilization,queue_length,replicas_up',
    );
    expect(lines).toHaveLength(1 + 13 * 3);
    for (const l of lines) expect(l.split(',')).toHaveLength(13);
    expect(lines[1]).toMatch(/^0,1,service,api,\d+,\d+,\d+,/);
    expect(lines[3]).toMatch(/^0,1,workload,w,\d+,\d+,\d+,[\d.]+,[\d.]+,[\d.]+,,,$/);
    expect(lines.at(-1)).toMatch(/^12,12\.5,workload,w,/);
    const empty: Timeseries = {
      intervalMs: 1000,
      startMs: [0],
      endMs: [1000],
      services: {},
      workloads: { 'a,"b"': { completed: [0], errors: [0], rejected: [0], throughputPerSec: [0], p50Ms: [null], p99Ms: [null] } },
    };
    expect(timeseriesCsv(empty).split('\n')[1]).toBe('0,1,workload,"a,""b""",0,0,0,0,,,,,');
  });
});
