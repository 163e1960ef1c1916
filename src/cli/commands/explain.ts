// `msim explain <scenario>`: the analytic pre-flight (offered load, utilization, bottleneck, M/M/c delays), optionally beside a simulated run.
import type { Command } from 'commander';
import { type Explanation, explain } from '../../analysis/explain.js';
import { formatCount, formatMs, formatPercent, table } from '../../observe/format.js';
import type { Report } from '../../observe/report.js';
import { runScenario } from '../../run/run.js';
import type { ScenarioSpec } from '../../scenario/spec.js';
import { type ScenarioFlags, overridesFromFlags } from '../flags.js';
import { EXPLAIN_HELP } from '../help-text.js';
import { type CliIo, EXIT_OK } from '../io.js';
import { loadForCli, refuseEndlessRun } from '../scenario-input.js';

interface ExplainFlags extends ScenarioFlags {
  json?: boolean;
  simulate?: boolean;
}

/** What a simulated run measured, in the explanation's terms. */
export interface Simulated {
  readonly services: Readonly<Record<string, { readonly utilization: number | null; readonly responseMs: number | null }>>;
  readonly latencyMs: { readonly mean: number | null };
  /** What the simulated figures are: successful requests after the warm-up, one seed. */
  readonly measures: string;
}

export function simulatedOf(report: Report): Simulated {
  return {
    services: Object.fromEntries(
      Object.entries(report.services).map(([n, s]) => [n, { utilization: s.utilization, responseMs: s.latencyMs.mean }]),
    ),
    latencyMs: { mean: report.latencyMs.mean },
    measures: `seed ${report.seed}, ${formatCount(report.measuredSeconds)} s after a ${formatCount(report.warmupSeconds)} s warm-up; latencies of successful requests`,
  };
}

const ms = (v: number | null | undefined) => (v == null ? '-' : formatMs(v));
const pct = (v: number | null | undefined) => (v == null ? '-' : v >= 10 ? `${formatCount(v)}x` : formatPercent(v, v < 0.1 ? 1 : 0));
const diff = (theory: number | null, sim: number | null | undefined) =>
  theory == null || sim == null || sim === 0 ? '' : `${theory >= sim ? '+' : ''}${formatPercent((theory - sim) / sim, 1)}`;

/** The explanation as text: the services table, the bottleneck, end to end, edges, caches, warnings. */
export function explainText(spec: ScenarioSpec, e: Explanation, sim: Simulated | null): string {
  const lines: string[] = [`explain ${spec.name}: queueing theory at the workloads' peak rates, before simulating`, ''];
  const head = ['service', 'replicas x cores', 'offered/s', 'cpu/req', 'util'];
  if (sim) head.push('sim util', 'diff');
  head.push('P(wait)', 'wait', 'response');
  if (sim) head.push('sim resp', 'diff');
  head.push('in service', 'worst x');
  const rows = [head];
  for (const [name, s] of Object.entries(e.services)) {
    const m = sim?.services[name];
    const row = [
      name + (name === e.bottleneck ? ' *' : ''),
      `${s.replicas} x ${s.cores}`,
      formatCount(s.offeredPerSec),
      ms(s.cpuMsPerRequest),
      pct(s.utilization),
    ];
    if (sim) row.push(pct(m?.utilization), diff(s.utilization, m?.utilization));
    row.push(s.waitProbability == null ? '-' : formatPercent(s.waitProbability, 1), ms(s.queueingMs), ms(s.responseMs));
    if (sim) row.push(ms(m?.responseMs), diff(s.responseMs, m?.responseMs));
    row.push(s.inServiceMean == null ? '-' : formatCount(s.inServiceMean), String(s.worstAmplification));
    rows.push(row);
  }
  lines.push(...table(head, rows.slice(1)).split('\n'));
  lines.push('');
  if (e.bottleneck !== null) {
    const b = e.services[e.bottleneck];
    const sat =
      e.saturationPerSec === null
        ? ''
        : `; it reaches 100% at about ${formatCount(e.saturationPerSec)} open-loop workload requests/s (${formatCount(e.saturationPerSec / e.openPerSec)}x today's peak${Object.values(e.workloads).length > spec.workloads.filter((w) => w.arrivals.kind !== 'closed').length ? ', closed loops as they are' : ''})`;
    lines.push(`bottleneck: ${e.bottleneck} (*) at ${pct(b.utilization)} of its capacity${sat}`);
  }
  const perWorkload = Object.entries(e.workloads)
    .map(([n, w]) => `${n} ${ms(w.latencyMs.mean)}`)
    .join(', ');
  const simE2e = sim ? `; simulated ${ms(sim.latencyMs.mean)} ${diff(e.latencyMs.mean, sim.latencyMs.mean)}` : '';
  lines.push(`end to end: mean ${ms(e.latencyMs.mean)} (${perWorkload})${simE2e}`);
  if (e.inSystemMean !== null) lines.push(`Little's law: ${formatCount(e.inSystemMean)} workload requests in the system on average`);
  if (e.edges.length > 0) {
    lines.push('', 'calls:');
    const erows = [['edge', 'calls/s', 'round trip', 'worst attempts']];
    for (const ed of e.edges)
      erows.push([
        ed.sites > 1 ? `${ed.edge} (x${ed.sites})` : ed.edge,
        formatCount(ed.callsPerSec),
        ms(ed.roundTripMs),
        `${ed.worstAttempts}`,
      ]);
    lines.push(
      ...table(erows[0], erows.slice(1))
        .split('\n')
        .map((l) => `  ${l}`),
    );
  }
  const hits = Object.entries(e.cacheHitRatios);
  if (hits.length > 0)
    lines.push('', `cache hit ratios (Che's approximation): ${hits.map(([k, v]) => `${k} ${formatPercent(v, 1)}`).join(', ')}`);
  if (sim) lines.push('', `simulated: ${sim.measures}; diff = (theory - simulated) / simulated`);
  if (spec.workloads.some((w) => w.schedule.length > 0))
    lines.push('note: workloads with a schedule are estimated at their peak rate; a simulated run averages over the whole schedule');
  lines.push(
    '',
    'how: each replica a queue with its cores as servers (one queue per service under least-requests, p2c and ewma);',
    'the wait by Erlang C x (1 + CV^2) / 2 of the CPU demand; parallel calls as the slowest of exponential branches;',
    'closed loops at users / (think + response); caches warm (Che). Not modelled: retries, hedges, timeouts, breakers,',
    "faults, queue limits, cold caches; heavy-tailed branches make fan-out slower than estimated. 'worst x': the most",
    'attempts one workload request can cause there. README.md, "msim explain", states the model.',
  );
  for (const w of e.warnings) lines.push(`warning: ${w}`);
  return `${lines.join('\n')}\n`;
}

export function registerExplain(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('explain')
    .description('estimate load, utilization, bottleneck and latency by queueing theory, in a moment, before simulating')
    .argument('<scenario>', 'scenario file (YAML), or - to read it from standard input')
    .option('--set <path=value>', 'change a scenario field first (repeatable)', (v: string, prev: string[]) => [...prev, v], [])
    .option('--simulate', 'also run the scenario once (headless) and show the simulated figures beside the estimates')
    .option('--seed <n>', 'the seed of the --simulate run')
    .option('--duration <d>', 'simulated time of the --simulate run')
    .option('--warmup <d>', 'warm-up of the --simulate run')
    .option(
      '--json',
      'print { services: { <name>: { offeredPerSec, utilization, responseMs } }, bottleneck, saturationPerSec, latencyMs: { mean } }',
    )
    .addHelpText('after', EXPLAIN_HELP)
    .action(async (file: string, flags: ExplainFlags) => {
      const { overrides, seed } = overridesFromFlags(flags);
      const spec = await loadForCli(file, io, overrides);
      const e = explain(spec);
      let sim: Simulated | null = null;
      if (flags.simulate) {
        refuseEndlessRun(spec, file);
        sim = simulatedOf(runScenario(spec, seed === undefined ? {} : { seed }));
      }
      if (flags.json) io.stdout.write(`${JSON.stringify(sim ? { ...e, simulated: sim } : e, null, 2)}\n`);
      else io.stdout.write(explainText(spec, e, sim));
      setExit(EXIT_OK);
    });
}
