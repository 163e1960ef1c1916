// `msim plan <scenario> --minimize <path> [--range lo..hi]`: the smallest value (or cheapest combination) that meets every SLO on every seed.
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { formatMs, formatPercent } from '../../observe/format.js';
import { type Executor, inProcessExecutor, workerExecutor } from '../../run/executor.js';
import { type PlanDimension, type PlanResult, type PlanRun, runPlan } from '../../run/plan.js';
import { parsePath } from '../../scenario/overrides.js';
import { type Problem, ScenarioError, formatProblem } from '../../scenario/problems.js';
import { PLAN_HELP } from '../help-text.js';
import { type CliIo, EXIT_OK, EXIT_SLO_MISSED, UsageError } from '../io.js';
import { STDIN_NAME, readScenarioInput, scenarioUsageError } from '../scenario-input.js';
import { checkOutputPath, writeAtomically } from '../output.js';
import { wholeNumber } from './sweep.js';

interface PlanFlags {
  minimize: string[];
  range: string[];
  seeds: string;
  parallel?: string;
  set: string[];
  duration?: string;
  warmup?: string;
  json?: boolean | string;
}

const show = (v: number, unit: 'ms' | 'share') => (unit === 'ms' ? formatMs(v) : formatPercent(v, v < 0.01 ? 2 : 1));

/** `lo..hi` of whole numbers. */
function parseRange(text: string): { lo: number; hi: number } | Problem {
  const m = /^\s*(\d+)\s*\.\.\s*(\d+)\s*$/.exec(text);
  if (!m || Number(m[2]) < Number(m[1]) || Number(m[1]) < 0)
    return {
      path: [],
      expected: 'lo..hi, whole numbers with lo <= hi (such as 1..32)',
      found: JSON.stringify(text),
      where: `--range ${text}`,
    };
  return { lo: Number(m[1]), hi: Number(m[2]) };
}

function pointLabel(set: Readonly<Record<string, number>>): string {
  return Object.entries(set)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

/** The evidence of one point: a line for the point, one per seed with its metrics and what it missed. */
export function pointLines(set: Readonly<Record<string, number>>, runs: readonly PlanRun[]): string[] {
  const passed = runs.filter((r) => r.pass).length;
  const lines = [`${pointLabel(set)}: ${passed === runs.length ? 'meets the SLO' : 'MISSES'} (${passed} of ${runs.length} seeds)`];
  for (const r of runs) {
    const m = r.metrics;
    const p99 = m['latencyMs.p99'];
    const err = m['requests.errorRatio'];
    lines.push(
      `  seed ${r.seed}  p99 ${p99 == null ? '-' : formatMs(p99)}  errors ${err == null ? '-' : formatPercent(err, 2)}  ${r.pass ? 'ok' : `MISS: ${r.missed.join(', ')}`}`,
    );
  }
  return lines;
}

function summary(result: PlanResult): string {
  const points = new Set(result.runs.map((r) => JSON.stringify(r.set))).size;
  const sweep = result.fullSweepPoints === null ? '' : ` (a full sweep of the range: ${result.fullSweepPoints} points)`;
  const effort = `${points} point${points === 1 ? '' : 's'}, ${result.runs.length} runs${sweep}`;
  if (result.answer === null) return `no answer: ${result.reason}. ${effort}.\n`;
  const what = result.objective === 'value' ? `the smallest ${result.minimize[0]}` : 'the cheapest combination (fewest cores in all)';
  return `answer: ${pointLabel(result.answer)}: ${what} that meets every SLO objective on all ${result.seeds.length} seeds. ${effort}.\n`;
}

export function registerPlan(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('plan')
    .description('find the smallest value of a field (or the cheapest combination of several) that meets every SLO on every seed')
    .argument('<scenario>', 'scenario file (YAML) with an slo: section, or - to read it from standard input')
    .option(
      '--minimize <path>',
      'an integer field: replicas, cores, a cache capacity (repeatable: then the fewest cores in all)',
      collect,
      [],
    )
    .option('--range <lo..hi>', 'where to look, one per --minimize in order (default for one field: doubling from 1)', collect, [])
    .option('--seeds <n>', 'seeds per point (the scenario seed and the next ones); a point passes on every seed', '5')
    .option('--parallel <n>', 'worker threads (default: the number of cores); results are identical to --parallel 1')
    .option('--set <path=value>', 'change a field at every point (repeatable)', collect, [])
    .option('--duration <d>', 'simulated time of each run')
    .option('--warmup <d>', 'initial time excluded from the statistics of each run')
    .option(
      '--json [file]',
      'the result as JSON { minimize, answer, runs: [{ set, seed, pass, metrics }] }: on stdout instead of the text (alone or -), or written to a file',
    )
    .addHelpText('after', PLAN_HELP)
    .action(async (file: string, flags: PlanFlags) => {
      const problems: Problem[] = [];
      if (flags.minimize.length === 0)
        problems.push({ path: [], expected: 'at least one --minimize <path>', found: 'none', where: 'msim plan' });
      for (const p of flags.minimize)
        if (!parsePath(p))
          problems.push({
            path: [],
            expected: 'a path such as services.payment.replicas',
            found: JSON.stringify(p),
            where: `--minimize ${p}`,
          });
      if (flags.range.length > flags.minimize.length)
        problems.push({
          path: [],
          expected: `at most one --range per --minimize (${flags.minimize.length})`,
          found: `${flags.range.length}`,
          where: `--range ${flags.range.at(-1)}`,
        });
      const ranges = flags.range.map(parseRange);
      for (const r of ranges) if ('expected' in r) problems.push(r);
      const seeds = wholeNumber('--seeds', flags.seeds, 1, 10_000);
      const parallel = flags.parallel === undefined ? availableParallelism() : wholeNumber('--parallel', flags.parallel, 1, 1024);
      for (const x of [seeds, parallel]) if (typeof x === 'object') problems.push(x);
      if (problems.length > 0)
        throw new UsageError(
          problems.map((p) => formatProblem(p).replace(/^(--[^:]+|msim plan): \(top level\): /, '$1: ')),
          problems,
        );
      const dimensions: PlanDimension[] = flags.minimize.map((path, i) => {
        const r = ranges[i] as { lo: number; hi: number } | undefined;
        return { path, lo: r?.lo ?? 1, hi: r?.hi ?? null };
      });

      const input = await readScenarioInput(file, io, []);
      const executor: Executor =
        (parallel as number) > 1 ? workerExecutor(Math.min(parallel as number, seeds as number)) : inProcessExecutor();
      // --json alone or --json - prints the JSON on stdout; --json <file> writes it there and keeps the text on stdout
      const jsonPath = typeof flags.json === 'string' && flags.json !== '-' ? checkOutputPath('--json', flags.json, io.cwd) : undefined;
      const jsonOnStdout = flags.json === true || flags.json === '-';
      const out = jsonOnStdout ? io.stderr : io.stdout;
      let result: PlanResult;
      try {
        result = await runPlan(
          { text: input.text, name: input.name },
          {
            dimensions,
            seeds: seeds as number,
            changes: { set: flags.set, duration: flags.duration, warmup: flags.warmup },
            executor,
            show,
            onStart: jsonOnStdout
              ? undefined
              : (base) =>
                  out.write(
                    `plan ${base.name}: ${flags.minimize.join(', ')}; each point on seeds ${base.seed}..${base.seed + (seeds as number) - 1}\n`,
                  ),
            onPoint: jsonOnStdout ? undefined : (set, runs) => out.write(`${pointLines(set, runs).join('\n')}\n`),
          },
        );
      } catch (err) {
        if (err instanceof ScenarioError) throw scenarioUsageError(err, input.name, file === '-' ? STDIN_NAME : file);
        throw err;
      } finally {
        await executor.close();
      }
      const { scenario, minimize, objective, seeds: s, answer, runs, fullSweepPoints, reason } = result;
      const json = `${JSON.stringify({ scenario, minimize, objective, seeds: s, answer, runs: runs.map((r) => ({ set: r.set, seed: r.seed, pass: r.pass, metrics: r.metrics, missed: r.missed })), fullSweepPoints, reason }, null, 2)}\n`;
      if (jsonOnStdout) io.stdout.write(json);
      else out.write(summary(result));
      if (jsonPath) writeAtomically(jsonPath, json);
      setExit(result.answer === null ? EXIT_SLO_MISSED : EXIT_OK);
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
