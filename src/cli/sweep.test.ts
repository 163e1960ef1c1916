// msim sweep, merge, plan and explain from the command line, and msim run's SLO gate: the contracts of issue 13.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../test-support/cli.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'msim-sweep-'));

/** A small two-service system with an SLO that needs about 3 api replicas. */
const SCENARIO = `name: small
seed: 11
duration: 8s
warmup: 1s
workloads: [{ name: users, to: api, arrivals: poisson(250/s) }]
services:
  api: { replicas: 1, cpu: exp(mean=10ms), calls: [db] }
  db: { cores: 2, cpu: exp(mean=2ms) }
slo: { p99: 120ms }
`;

function scenarioFile(dir: string, text = SCENARIO): string {
  const file = join(dir, 'small.yaml');
  writeFileSync(file, text);
  return file;
}

describe('msim sweep', () => {
  it('--parallel 2 gives byte for byte what --parallel 1 gives (table, CSV, JSON)', async () => {
    const cwd = tmp();
    const file = scenarioFile(cwd);
    const args = ['sweep', file, '--vary', 'services.api.replicas=3..5', '--vary', 'services.db.cores=1,2', '--seeds', '3'];
    const one = await runCli([...args, '--parallel', '1', '--csv', 'one.csv', '--json', 'one.json'], { cwd });
    const two = await runCli([...args, '--parallel', '2', '--csv', 'two.csv', '--json', 'two.json'], { cwd });
    expect(one.code, one.stderr).toBe(0);
    expect(two.code, two.stderr).toBe(0);
    expect(two.stdout).toBe(one.stdout);
    expect(readFileSync(join(cwd, 'two.csv'), 'utf8')).toBe(readFileSync(join(cwd, 'one.csv'), 'utf8'));
    expect(readFileSync(join(cwd, 'two.json'), 'utf8')).toBe(readFileSync(join(cwd, 'one.json'), 'utf8'));
    const json = JSON.parse(readFileSync(join(cwd, 'one.json'), 'utf8'));
    expect(json.vary).toEqual(['services.api.replicas', 'services.db.cores']);
    expect(json.seeds).toEqual([11, 12, 13]);
    expect(json.points).toHaveLength(6);
    const p = json.points[0];
    expect(p.set).toEqual({ 'services.api.replicas': 3, 'services.db.cores': 1 });
    for (const key of [
      'latencyMs.mean',
      'latencyMs.p50',
      'latencyMs.p99',
      'requests.errorRatio',
      'services.api.utilization',
      'services.db.utilization',
    ])
      expect(p.summary[key], key).toEqual({ mean: expect.any(Number), low: expect.any(Number), high: expect.any(Number) });
    expect(p.runs.map((r: { seed: number }) => r.seed)).toEqual([11, 12, 13]);
    // common random numbers: the same seeds at every point; the CSV has a row per point and seed plus summary rows
    const csv = readFileSync(join(cwd, 'one.csv'), 'utf8').trim().split('\n');
    expect(csv.length).toBeGreaterThanOrEqual(1 + 6 * 3 + 6);
    expect(one.stdout).toMatch(/p99/);
  });

  it('sharded (k/n and auto/n from JOB_COMPLETION_INDEX) and merged equals the unsharded sweep exactly', async () => {
    const cwd = tmp();
    const file = scenarioFile(cwd);
    const args = ['sweep', file, '--vary', 'services.api.replicas=2..6', '--seeds', '2', '--parallel', '1'];
    const whole = await runCli([...args, '--csv', 'whole.csv', '--json', 'whole.json'], { cwd });
    expect(whole.code, whole.stderr).toBe(0);
    const s0 = await runCli([...args, '--shard', '0/3', '--json', 's0.json'], { cwd });
    const s1 = await runCli([...args, '--shard', 'auto/3', '--json', 's1.json'], { cwd, env: { JOB_COMPLETION_INDEX: '1' } });
    const s2 = await runCli([...args, '--shard', '2/3', '--json', 's2.json'], { cwd });
    for (const s of [s0, s1, s2]) expect(s.code, s.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(cwd, 's1.json'), 'utf8')).shard).toMatchObject({ index: 1, count: 3 });
    const merged = await runCli(['merge', 's2.json', 's0.json', 's1.json', '--csv', 'merged.csv', '--json', 'merged.json'], { cwd });
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stdout).toBe(whole.stdout);
    expect(readFileSync(join(cwd, 'merged.csv'), 'utf8')).toBe(readFileSync(join(cwd, 'whole.csv'), 'utf8'));
    expect(readFileSync(join(cwd, 'merged.json'), 'utf8')).toBe(readFileSync(join(cwd, 'whole.json'), 'utf8'));
    // a missing shard is named, not merged
    const partial = await runCli(['merge', 's0.json', 's2.json'], { cwd });
    expect(partial.code).toBe(2);
    expect(partial.stderr).toMatch(/shard/);
  });

  it('refuses bad --vary and --shard values with one line each, exit 2', async () => {
    const cwd = tmp();
    const file = scenarioFile(cwd);
    const r = await runCli(['sweep', file, '--vary', 'services.api.replicas=8..1', '--shard', '3/3', '--seeds', '0'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n').length).toBeGreaterThanOrEqual(3);
    expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    const auto = await runCli(['sweep', file, '--vary', 'services.api.replicas=1..2', '--shard', 'auto/2'], { cwd });
    expect(auto.code).toBe(2);
    expect(auto.stderr).toMatch(/JOB_COMPLETION_INDEX/);
  });
});

describe('msim sweep and plan refuse before running (found trying them as a new user)', () => {
  it('a path varied twice, a --metric the report has not, malformed ranges: one line each, exit 2', async () => {
    const cwd = tmp();
    const file = scenarioFile(cwd);
    const twice = await runCli(['sweep', file, '--vary', 'services.api.replicas=3..4', '--vary', 'services.api.replicas=5,6'], { cwd });
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/each path varied once.*services\.api\.replicas a second time/);
    const metric = await runCli(['sweep', file, '--vary', 'services.api.replicas=3..4', '--metric', 'latencyMs.p98'], { cwd });
    expect(metric.code).toBe(2);
    expect(metric.stderr).toMatch(/--metric latencyMs\.p98: expected a number in the report/);
    expect(metric.stdout).toBe('');
    const typo = await runCli(['sweep', file, '--vary', 'services.apx.replicas=3..8'], { cwd });
    expect(typo.code).toBe(2);
    // one line for the typo (not one per value), named by the --vary as written
    expect(typo.stderr.trim().split('\n')).toHaveLength(1);
    expect(typo.stderr).toMatch(/^error: --vary services\.apx\.replicas=3\.\.8: services: expected an existing service/);
    for (const bad of ['3..', 'a..b']) {
      const r = await runCli(['sweep', file, '--vary', `services.api.replicas=${bad}`], { cwd });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/expected a range of numbers lo\.\.hi/);
    }
  });

  it('plan: a field that is not a whole number is refused before anything is printed; --json <file> writes the JSON', async () => {
    const cwd = tmp();
    const file = scenarioFile(cwd, SCENARIO.replace('replicas: 1', 'replicas: 4'));
    const r = await runCli(['plan', file, '--minimize', 'services.api.balancer'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/--minimize services\.api\.balancer: expected a whole-number field .*found "round-robin"/);
    const written = await runCli(
      ['plan', file, '--minimize', 'services.api.replicas', '--range', '3..4', '--seeds', '2', '--parallel', '1', '--json', 'plan.json'],
      { cwd },
    );
    expect(written.code).toBe(0);
    expect(written.stdout).toMatch(/answer:/);
    expect(JSON.parse(readFileSync(join(cwd, 'plan.json'), 'utf8')).minimize).toEqual(['services.api.replicas']);
  });
});

describe('msim plan', () => {
  it('finds the minimum the full sweep finds, in fewer runs, with its evidence; --json has the contract', async () => {
    const cwd = tmp();
    const file = scenarioFile(cwd);
    const sweep = await runCli(['sweep', file, '--vary', 'services.api.replicas=1..8', '--seeds', '3', '--parallel', '1', '--json', '-'], {
      cwd,
    });
    expect(sweep.code, sweep.stderr).toBe(0);
    const points = JSON.parse(sweep.stdout).points as { set: Record<string, number>; runs: { metrics: Record<string, number | null> }[] }[];
    const passing = points.filter((p) => p.runs.every((r) => r.metrics['slo.met'] === 1)).map((p) => p.set['services.api.replicas']);
    const smallest = Math.min(...passing);
    // monotone here: every point above the smallest passing one passes too
    expect(passing).toEqual(Array.from({ length: 8 - smallest + 1 }, (_, i) => smallest + i));
    const plan = await runCli(
      ['plan', file, '--minimize', 'services.api.replicas', '--range', '1..8', '--seeds', '3', '--parallel', '1', '--json'],
      { cwd },
    );
    expect(plan.code, plan.stderr).toBe(0);
    const result = JSON.parse(plan.stdout);
    expect(result.minimize).toEqual(['services.api.replicas']);
    expect(result.answer).toEqual({ 'services.api.replicas': smallest });
    expect(result.runs.length).toBeLessThan(8 * 3);
    expect(result.runs[0]).toEqual({
      set: expect.any(Object),
      seed: expect.any(Number),
      pass: expect.any(Boolean),
      metrics: expect.any(Object),
      missed: expect.any(Array),
    });
    const text = await runCli(['plan', file, '--minimize', 'services.api.replicas', '--parallel', '1'], { cwd });
    expect(text.stdout).toMatch(new RegExp(`answer: services\\.api\\.replicas=${smallest}`));
    expect(text.stdout).toMatch(/seed 11 +p99/);
  });

  it('does not take two points where everything fails for a plateau (found in review: it answered "no value")', async () => {
    const cwd = tmp();
    const file = join(cwd, 'gallop.yaml');
    writeFileSync(
      file,
      `name: gallop
seed: 1
duration: 6s
warmup: 1s
slo: { p99: 200ms, errorRate: 1% }
workloads: [{ name: w, to: front, arrivals: poisson(300/s) }]
services:
  front: { cores: 8, cpu: exp(mean=1ms), calls: [{ to: back, timeout: 50ms }] }
  back: { replicas: 1, cpu: exp(mean=10ms) }
`,
    );
    const r = await runCli(['plan', file, '--minimize', 'services.back.replicas', '--seeds', '2', '--parallel', '1'], { cwd });
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/answer: services\.back\.replicas=\d+/);
  }, 60_000);

  it('exits 3 and says so when even the top of the range misses', async () => {
    const cwd = tmp();
    const file = scenarioFile(cwd);
    const r = await runCli(['plan', file, '--minimize', 'services.api.replicas', '--range', '1..2', '--seeds', '2', '--parallel', '1'], {
      cwd,
    });
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/no answer/);
  });
});

describe('msim run: the SLO gate', () => {
  it('exits 3 on a missed objective after writing the report; --no-slo-exit exits 0', async () => {
    const cwd = tmp();
    const file = scenarioFile(cwd);
    const missed = await runCli(['run', file, '--no-tui', '--json', 'report.json'], { cwd });
    expect(missed.code).toBe(3);
    expect(missed.stderr).toMatch(/SLO/);
    expect(JSON.parse(readFileSync(join(cwd, 'report.json'), 'utf8')).slo.met).toBe(false);
    const demo = await runCli(['run', file, '--no-tui', '--no-slo-exit'], { cwd });
    expect(demo.code).toBe(0);
    const met = await runCli(['run', file, '--no-tui', '--set', 'services.api.replicas=6'], { cwd });
    expect(met.code).toBe(0);
  });
});

describe('msim explain', () => {
  it('names the bottleneck and prints the --json contract', async () => {
    const cwd = tmp();
    const file = scenarioFile(cwd, SCENARIO.replace('replicas: 1', 'replicas: 4'));
    const text = await runCli(['explain', file], { cwd });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/bottleneck: api \(\*\) at 63% of its capacity/);
    const json = JSON.parse((await runCli(['explain', file, '--json'], { cwd })).stdout);
    expect(json.bottleneck).toBe('api');
    expect(json.services.api).toMatchObject({ offeredPerSec: 250, utilization: 0.625, responseMs: expect.any(Number) });
    expect(json.saturationPerSec).toBeCloseTo(400, 9);
    expect(json.latencyMs.mean).toEqual(expect.any(Number));
    const sim = JSON.parse((await runCli(['explain', file, '--json', '--simulate'], { cwd })).stdout);
    expect(sim.simulated.services.api.utilization).toBeGreaterThan(0.55);
  });

  it('warns loudly about a service over capacity', async () => {
    const cwd = tmp();
    const r = await runCli(['explain', scenarioFile(cwd)], { cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/warning: api: offered load is 250% of its capacity/);
  });
});

describe('per-workload objectives (workloads[i].slo)', () => {
  const TWO = `name: two
seed: 3
duration: 6s
warmup: 1s
workloads:
  - { name: fast, to: api.ping, arrivals: poisson(100/s), slo: { p99: 60ms, errorRate: 1% } }
  - { name: slow, to: api.report, arrivals: poisson(20/s), slo: { p99: 5ms } }
services:
  api:
    cores: 2
    endpoints:
      ping: { cpu: exp(mean=1ms) }
      report: { cpu: exp(mean=20ms) }
`;

  it("checks each workload's objectives on its own requests, names them, and gates run and plan on them", async () => {
    const cwd = tmp();
    const file = join(cwd, 'two.yaml');
    writeFileSync(file, TWO);
    const r = await runCli(['run', file, '--no-tui', '--json', 'r.json'], { cwd });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/SLO missed \(slow p99\)/);
    const slo = JSON.parse(readFileSync(join(cwd, 'r.json'), 'utf8')).slo;
    expect(slo.met).toBe(false);
    expect(slo.objectives.map((o: { workload: string; metric: string; met: boolean }) => [o.workload, o.metric, o.met])).toEqual([
      ['fast', 'p99', true],
      ['fast', 'errorRate', true],
      ['slow', 'p99', false],
    ]);
    expect(r.stderr + r.stdout).toMatch(/slow p99 .* MISSED/);
    const ok = await runCli(['run', file, '--no-tui', '--set', 'workloads.slow.slo.p99=500ms'], { cwd });
    expect(ok.code).toBe(0);
    const plan = await runCli(
      ['plan', file, '--minimize', 'services.api.cores', '--seeds', '2', '--parallel', '1', '--set', 'workloads.slow.slo.p99=150ms'],
      { cwd },
    );
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/answer: services\.api\.cores=\d/);
    // the slow workload's p99 is its own CPU (exp(20ms): p99 92 ms): no number of cores gets it under 80 ms, and the
    // planner stops doubling once more cores measure the same
    const never = await runCli(
      ['plan', file, '--minimize', 'services.api.cores', '--seeds', '2', '--parallel', '1', '--set', 'workloads.slow.slo.p99=80ms'],
      { cwd },
    );
    expect(never.code).toBe(3);
    expect(never.stdout).toMatch(/no longer changes the result/);
    expect(never.stdout.match(/^services\.api\.cores=/gm)!.length).toBeLessThan(8);
  });

  it('refuses an empty slo on a workload with its position', async () => {
    const cwd = tmp();
    const file = join(cwd, 'bad.yaml');
    writeFileSync(file, TWO.replace('slo: { p99: 5ms }', 'slo: {}'));
    const r = await runCli(['validate', file], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml:7:\d+: workloads\[1\]\.slo: expected at least one objective/);
  });
});

describe('scenarios/black-friday.yaml', () => {
  it("answers its header's planner question as the header says", async () => {
    const text = readFileSync(join(__dirname, '../../scenarios/black-friday.yaml'), 'utf8');
    // the command as written: from "npx msim plan" through its continuation lines (ending in a backslash)
    const lines = text.split('\n');
    let i = lines.findIndex((l) => l.includes('npx msim plan'));
    let command = lines[i].replace(/^#\s+npx msim /, '');
    while (command.endsWith('\\')) command = `${command.slice(0, -1)} ${lines[++i].replace(/^#/, '')}`;
    command = command.replace(/#.*$/, '');
    const stated = /#\s+(answer: [^\n]+)/.exec(text)![1];
    const r = await runCli([...command.split(/\s+/).filter(Boolean), '--parallel', '1'], { cwd: join(__dirname, '../..') });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(stated);
    expect(r.stdout).toMatch(/4 points, 12 runs \(a full sweep of the range: 42 points\)/);
  }, 60_000); // 12 runs of 90 s simulated: about 2 s, longer on a loaded machine
});
