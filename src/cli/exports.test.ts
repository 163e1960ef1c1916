import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, withoutEngine } from '../test-support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'msim-exports-'));
writeFileSync(
  join(dir, 's.yaml'),
  `name: s
duration: 5s
warmup: 1s
faults: [{ at: 2s, for: 1s, cpu: api, factor: 3 }]
workloads: [{ name: w, to: api, arrivals: poisson(100/s) }]
services:
  api: { replicas: 2, cpu: exp(mean=3ms), calls: [db] }
  db: { cpu: exp(mean=2ms) }
`,
);
const cli = (...args: string[]) => runCli(['run', 's.yaml', '--no-tui', ...args], { cwd: dir });

describe('msim run --timeseries, --interval, --json-timeseries', () => {
  it('writes the CSV, and the report keeps its bytes without --json-timeseries', async () => {
    const plain = await cli('--json', 'plain.json');
    const r = await cli('--json', 'with.json', '--timeseries', 'ts.csv', '--interval', '500ms');
    expect(plain.code).toBe(0);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('time series of 10 intervals written to ts.csv (CSV)');
    expect(withoutEngine(readFileSync(join(dir, 'with.json'), 'utf8'))).toBe(withoutEngine(readFileSync(join(dir, 'plain.json'), 'utf8')));
    const csv = readFileSync(join(dir, 'ts.csv'), 'utf8').trimEnd().split('\n');
    expect(csv).toHaveLength(1 + 10 * 3);
    expect(csv[1]).toMatch(/^0,0\.5,service,api,/);
  });

  it('--json-timeseries adds the section before engine, the same series as the CSV', async () => {
    const r = await cli('--json', 'ts.json', '--json-timeseries', '--timeseries', 'ts2.csv');
    expect(r.code).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'ts.json'), 'utf8'));
    const keys = Object.keys(report);
    expect(keys.slice(-3)).toEqual(['interventions', 'timeseries', 'engine']);
    expect(report.timeseries.intervalMs).toBe(1000);
    expect(report.timeseries.startMs).toEqual([0, 1000, 2000, 3000, 4000]);
    const completed = report.timeseries.workloads.w.completed.reduce((a: number, b: number) => a + b, 0);
    const csvCompleted = readFileSync(join(dir, 'ts2.csv'), 'utf8')
      .split('\n')
      .filter((l) => l.includes(',workload,w,'))
      .reduce((a, l) => a + Number(l.split(',')[4]), 0);
    expect(completed).toBe(csvCompleted);
  });

  it('refuses a bad --interval, or one with nothing to use it, one message each, exit 2', async () => {
    const bad = await cli('--timeseries', 'x.csv', '--interval', 'soon');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--interval soon: expected .*duration.*, found/);
    const alone = await cli('--interval', '2s');
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain('--interval 2s: expected it with --timeseries, --json-timeseries or --html, found none of them');
    const zero = await cli('--html', 'r.html', '--interval', '0s');
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain('--interval 0s: expected at least 1ms');
  });
});

describe('msim run --html, msim report --html', () => {
  it('writes the page from a run, and the same page from its saved report with the time series', async () => {
    const r = await cli('--html', 'run.html', '--json', 'saved.json', '--json-timeseries');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('HTML report written to run.html');
    const again = await runCli(['report', 'saved.json', '--html', 'again.html'], { cwd: dir });
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('HTML report written to again.html\n');
    expect(readFileSync(join(dir, 'again.html'), 'utf8')).toContain('<svg class="chart"');
  });

  it('refuses a file that is not a report, or no output, one message each, exit 2', async () => {
    writeFileSync(join(dir, 'other.json'), '{"a": 1}');
    const other = await runCli(['report', 'other.json', '--html', 'x.html'], { cwd: dir });
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('other.json: expected a JSON report of msim run, found JSON without scenario, services');
    const none = await runCli(['report', 'saved.json'], { cwd: dir });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('expected an output such as --html <file>, found none');
  });
});

describe("the dashboard's export key", () => {
  it('writes the time series so far to a CSV file in the working directory and says where', async () => {
    const { prepareExports } = await import('./exports.js');
    const { Run } = await import('../run/run.js');
    const { loadScenarioFile } = await import('../scenario/load.js');
    const board = prepareExports({}, dir).dashboard();
    const run = new Run(loadScenarioFile(join(dir, 's.yaml')), { observers: board.observers, seed: 7 });
    run.advance(2500);
    const line = board.exportNow(run);
    expect(line).toBe('time series so far (3 intervals) written to msim-s-seed7-2s.csv');
    const csv = readFileSync(join(dir, 'msim-s-seed7-2s.csv'), 'utf8').trimEnd().split('\n');
    expect(csv).toHaveLength(1 + 3 * 3);
    expect(csv.at(-1)).toMatch(/^2,2\.5,workload,w,/);
  });
});
