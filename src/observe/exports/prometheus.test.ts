import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { Run } from '../../run/run.js';
import { loadScenarioText } from '../../scenario/load.js';
import { prometheusText } from './prometheus.js';

const spec = loadScenarioText(
  `name: 'prom "quoted"'
duration: 10s
warmup: 1s
workloads: [{ name: w, to: api, arrivals: poisson(50/s) }]
services:
  api: { replicas: 2, cpu: exp(mean=3ms), calls: [{ to: db, timeout: 20ms, retry: { attempts: 2 } }] }
  db: { cpu: exp(mean=4ms), errors: 2% }
`,
  'prom.yaml',
);

const run = new Run(spec);
const report = run.runToEnd();
const text = prometheusText(report, run.world, run.metrics);
const promtool = spawnSync('promtool', ['--version']).status === 0;

describe('--metrics: the Prometheus text format', () => {
  it.skipIf(!promtool)('passes `promtool check metrics` (the real tool, from Debian package prometheus)', () => {
    const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
  if (!promtool) it('promtool is not installed (apt-get install prometheus): checked by the structure test only', () => {});

  it('has cumulative buckets ending at +Inf with the count, and escapes label values', () => {
    const lines = text.split('\n').filter((l) => l.startsWith('msim_request_duration_seconds_bucket'));
    const counts = lines.map((l) => Number(l.split(' ').pop()));
    for (let i = 1; i < counts.length; i++) expect(counts[i]).toBeGreaterThanOrEqual(counts[i - 1]);
    const count = Number(
      text
        .split('\n')
        .find((l) => l.startsWith('msim_request_duration_seconds_count'))!
        .split(' ')
        .pop(),
    );
    expect(counts[counts.length - 1]).toBe(count);
    expect(count).toBe(run.metrics.workloads[0].latency.count);
    expect(count).toBeGreaterThan(0);
    expect(text).toContain('scenario="prom \\"quoted\\""');
    expect(text).toMatch(/msim_edge_retries_total\{scenario="[^\n]*",from="api",to="db"\} \d+/);
  });
});
