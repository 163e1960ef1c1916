import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { Run, ScenarioError, formatSummary, loadScenario, reportSchema, runScenario } from './index.js';

describe('the public API (src/index.ts)', () => {
  it('loads a scenario with changes, runs it headless, and gives a report that matches its schema', () => {
    const spec = loadScenario('scenarios/checkout.yaml', {
      set: { 'services.payment.replicas': 8, 'workloads[0].arrivals': 'poisson(100/s)' },
      duration: '10s',
    });
    expect(spec.services.payment.replicas).toBe(8);
    const report = runScenario(spec, { seed: 7 });
    expect(reportSchema.safeParse(report).success).toBe(true);
    expect(report.seed).toBe(7);
    expect(report.simulatedSeconds).toBe(10);
    expect(formatSummary(report)).toMatch(/^checkout: 10s simulated/);
  });

  it('takes --set texts too, and reports every problem at once as a ScenarioError', () => {
    expect(loadScenario('scenarios/mm1.yaml', { set: ['services.server.cores=2'] }).services.server.cores).toBe(2);
    let error: unknown;
    try {
      loadScenario({ text: 'name: x\nworkloads: []\nservices: {}\n', name: 'x.yaml' }, { duration: 'soon' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as ScenarioError).problems.map((p) => p.where)).toEqual(['--duration soon']);
  });

  it('runs slice by slice, with what-ifs between slices', () => {
    const run = new Run(loadScenario('scenarios/mm1.yaml', { duration: '60s' }));
    run.advance(40_000);
    run.intervene('add-replica', 'server');
    expect(run.runToEnd().interventions).toEqual([{ atMs: 40_000, action: 'add-replica', target: 'server' }]);
  });

  it("is the package's entry: import { ... } from 'msim' (the exports map; npm test builds dist first)", () => {
    const code =
      "import { loadScenario, runScenario } from 'msim'; const r = runScenario(loadScenario('scenarios/mm1.yaml', { duration: '40s' })); console.log(r.scenario, r.simulatedSeconds);";
    const out = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' });
    expect(out.stderr).toBe('');
    expect(out.stdout).toBe('mm1 40\n');
  });
});
