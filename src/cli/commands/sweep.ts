// `msim sweep <scenario> --vary path=values ...`: every combination on N seeds, in parallel, with 95% intervals, a chart, CSV and JSON.
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { type Executor, inProcessExecutor, workerExecutor } from '../../run/executor.js';
import { sweepChart, sweepCsv, sweepJson, sweepTable } from '../../run/sweep-output.js';
import { type SweepResult, planSweep, runSweep } from '../../run/sweep.js';
import { type Vary, parseVary } from '../../run/vary.js';
import { type Problem, ScenarioError, formatProblem } from '../../scenario/problems.js';
import { SWEEP_HELP } from '../help-text.js';
import { type CliIo, EXIT_OK, UsageError } from '../io.js';
import { checkOutputPath, writeAtomically } from '../output.js';
import { progressReporter } from '../progress.js';
import { STDIN_NAME, readScenarioInput, scenarioUsageError } from '../scenario-input.js';
import { runLengthProblem } from '../../analysis/offered-load.js';

interface SweepFlags {
  vary: string[];
  seeds?: string;
  parallel?: string;
  csv?: string;
  json?: string;
  metric?: string;
  shard?: string;
  set: string[];
  duration?: string;
  warmup?: string;
}

/** A whole number >= min from a flag, or a problem. */
export function wholeNumber(flag: string, text: string, min: number, max = Number.MAX_SAFE_INTEGER): number | Problem {
  const n = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(n) || n < min || n > max)
    return {
      path: [],
      expected: `a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ''}`,
      found: JSON.stringify(text),
      where: `${flag} ${text}`,
    };
  return n;
}

/** `--shard k/n`, `--shard auto/n` (k from JOB_COMPLETION_INDEX, as a Kubernetes Indexed Job sets it). */
export function parseShard(text: string, env: CliIo['env']): { index: number; count: number } | Problem {
  const where = `--shard ${text}`;
  const m = /^\s*(\d+|auto)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m)
    return {
      path: [],
      expected: 'k/n with 0 <= k < n (such as 0/4), or auto/n (k from JOB_COMPLETION_INDEX)',
      found: JSON.stringify(text),
      where,
    };
  const count = Number(m[2]);
  let indexText = m[1];
  if (indexText === 'auto') {
    const fromEnv = env.JOB_COMPLETION_INDEX;
    if (fromEnv === undefined || !/^\d+$/.test(fromEnv))
      return {
        path: [],
        expected: 'JOB_COMPLETION_INDEX set to the shard number (a Kubernetes Indexed Job sets it)',
        found: fromEnv === undefined ? 'it unset' : JSON.stringify(fromEnv),
        where,
      };
    indexText = fromEnv;
  }
  const index = Number(indexText);
  if (!(count >= 1) || !(index < count)) return { path: [], expected: 'k/n with 0 <= k < n', found: `${index}/${count}`, where };
  return { index, count };
}

export function registerSweep(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('sweep')
    .description('run a scenario at every combination of some values, on several seeds: means with 95% intervals, a chart, CSV, JSON')
    .argument('<scenario>', 'scenario file (YAML), or - to read it from standard input')
    .option(
      '--vary <path=values>',
      'a field and its values: 1..8, 1..64x2, 10..100+10, 1,2,4,8 or texts (repeatable: the cross product)',
      collect,
      [],
    )
    .option('--seeds <n>', 'seeds per point (the scenario seed and the next ones; the same at every point)', '5')
    .option('--parallel <n>', 'worker threads (default: the number of cores); results are identical to --parallel 1')
    .option('--metric <path>', 'the report path to chart against the first varied field', 'latencyMs.p99')
    .option('--csv <file>', 'write one row per point and seed, and the summary rows, as CSV')
    .option('--json <file>', 'write the result as JSON (- for stdout)')
    .option('--shard <k/n>', 'run only slice k of n (0-based; auto/n reads JOB_COMPLETION_INDEX); msim merge combines the slices')
    .option('--set <path=value>', 'change a field at every point (repeatable)', collect, [])
    .option('--duration <d>', 'simulated time of each run')
    .option('--warmup <d>', 'initial time excluded from the statistics of each run')
    .addHelpText('after', SWEEP_HELP)
    .action(async (file: string, flags: SweepFlags) => {
      const problems: Problem[] = [];
      const varies: Vary[] = [];
      for (const v of flags.vary) {
        const parsed = parseVary(v);
        if ('texts' in parsed) varies.push(parsed);
        else problems.push(parsed);
      }
      if (flags.vary.length === 0)
        problems.push({ path: [], expected: 'at least one --vary path=values', found: 'none', where: 'msim sweep' });
      const seeds = wholeNumber('--seeds', flags.seeds ?? '5', 1, 10_000);
      const parallel = flags.parallel === undefined ? availableParallelism() : wholeNumber('--parallel', flags.parallel, 1, 1024);
      const shard = flags.shard === undefined ? undefined : parseShard(flags.shard, io.env);
      for (const x of [seeds, parallel, shard]) if (typeof x === 'object' && x !== null && 'expected' in x) problems.push(x);
      if (problems.length > 0)
        throw new UsageError(
          problems.map((p) => formatProblem(p).replace(/^(--[^:]+): \(top level\): /, '$1: ')),
          problems,
        );
      const csvPath = flags.csv ? checkOutputPath('--csv', flags.csv, io.cwd) : undefined;
      const jsonPath = flags.json && flags.json !== '-' ? checkOutputPath('--json', flags.json, io.cwd) : undefined;

      // the scenario (through stdin too), hashed: shards of different files are not merged
      const input = await readScenarioInput(file, io, []);
      let plan: ReturnType<typeof planSweep>;
      try {
        plan = planSweep(
          { text: input.text, name: input.name },
          {
            vary: varies,
            seeds: seeds as number,
            metric: flags.metric,
            changes: { set: flags.set, duration: flags.duration, warmup: flags.warmup },
            scenarioSha256: input.sha256,
          },
        );
      } catch (err) {
        if (err instanceof ScenarioError) throw scenarioUsageError(err, input.name, file === '-' ? STDIN_NAME : file);
        throw err;
      }
      const endless = plan.points.map((p) => runLengthProblem(p.spec)).find((p) => p !== null);
      if (endless) throw new UsageError([`${file}: duration: expected ${endless.expected}, found ${endless.found} (at one of the points)`]);

      const threads = Math.min(parallel as number, plan.points.length * plan.seeds.length);
      const executor: Executor = threads > 1 ? workerExecutor(threads) : inProcessExecutor();
      const progress = progressReporter(io, `sweep ${plan.scenario}`);
      let result: SweepResult;
      try {
        result = await runSweep(plan, {
          executor,
          shard: shard as { index: number; count: number } | undefined,
          onProgress: progress.update,
        });
      } finally {
        progress.end();
        await executor.close();
      }
      printSweep(result, io, flags.json === '-');
      if (csvPath) writeAtomically(csvPath, sweepCsv(result));
      if (flags.json === '-') io.stdout.write(sweepJson(result));
      else if (jsonPath) writeAtomically(jsonPath, sweepJson(result));
      setExit(EXIT_OK);
    });
}

/** The table and the chart, on stdout (on stderr when stdout carries the JSON). */
export function printSweep(result: SweepResult, io: CliIo, jsonOnStdout: boolean): void {
  const out = jsonOnStdout ? io.stderr : io.stdout;
  const shard = result.shard
    ? ` (shard ${result.shard.index} of ${result.shard.count}: ${result.points.length} of ${result.shard.totalPoints} points)`
    : '';
  out.write(`${sweepTable(result).replace(/\n/, `${shard}\n`)}\n${sweepChart(result)}`);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
