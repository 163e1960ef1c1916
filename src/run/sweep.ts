// Sweeps: a scenario run at every combination of some fields' values, each on the same seeds (common random numbers), summarized with 95% confidence intervals.
import { type ScenarioChanges, loadScenario, scenarioOverrides } from './api.js';
import { type Executor, type RunTask, inProcessExecutor } from './executor.js';
import { type Metrics, hasMetric, unitOf } from './point-metrics.js';
import { Run } from './run.js';
import { type Interval, meanInterval } from './statistics.js';
import { type SweepPoint, type Vary, crossProduct, pointOverrides } from './vary.js';
import { ScenarioError, type Problem } from '../scenario/problems.js';
import type { ScenarioSpec } from '../scenario/spec.js';
import { loadScenarioFile, loadScenarioText } from '../scenario/load.js';

/** One run of a point. */
export interface SweepRun {
  readonly seed: number;
  readonly metrics: Metrics;
  /** Present (true) when the run stopped early (too many requests in the system): its numbers cover only part of the run. */
  readonly truncated?: true;
}

export interface SweepPointResult {
  /** The point's place in the full sweep (0-based, in the order of the cross product). */
  readonly point: number;
  /** `{ "services.payment.replicas": 3 }` */
  readonly set: Readonly<Record<string, unknown>>;
  /** Every metric's mean over the seeds with its 95% confidence interval. */
  readonly summary: Readonly<Record<string, Interval>>;
  readonly runs: readonly SweepRun[];
}

/** A sweep's result: the JSON `msim sweep --json` writes (a contract for scripts). */
export interface SweepResult {
  readonly scenario: string;
  /** SHA-256 of the scenario file's bytes: shards of different files are not merged. */
  readonly scenarioSha256: string;
  /** The varied paths, in flag order. */
  readonly vary: readonly string[];
  readonly seeds: readonly number[];
  /** The metric charted (a report path). */
  readonly metric: string;
  /** The changes applied to every point (`--set`, `--duration`, `--warmup`), as flags. */
  readonly overrides: readonly string[];
  /** Present in a shard's output: which slice it is, of how many points in all. */
  readonly shard?: { readonly index: number; readonly count: number; readonly totalPoints: number };
  readonly points: readonly SweepPointResult[];
}

/** A sweep to make: the scenario, the values to vary, the seeds. */
export interface SweepPlan {
  readonly scenario: string;
  readonly scenarioSha256: string;
  readonly vary: readonly Vary[];
  readonly seeds: readonly number[];
  readonly metric: string;
  readonly overrides: readonly string[];
  /** Every point of the full sweep, and its scenario. */
  readonly points: readonly (SweepPoint & { readonly spec: ScenarioSpec })[];
}

/** The source of a sweep's scenario: a file, or text with a name for messages. */
export type ScenarioSource = string | { text: string; name: string };

/**
 * Build every point's scenario (base changes, then the point's values),
 * checking all of them before anything runs: a value that makes a point
 * invalid is reported with the point it belongs to. Throws a ScenarioError.
 */
export function planSweep(
  source: ScenarioSource,
  options: { vary: readonly Vary[]; seeds?: number; metric?: string; changes?: ScenarioChanges; scenarioSha256?: string },
): SweepPlan {
  const base = loadScenario(source, options.changes);
  const baseOverrides = scenarioOverridesOf(options.changes);
  const points: (SweepPoint & { spec: ScenarioSpec })[] = [];
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const v of options.vary) {
    if (!seen.has(v.path)) seen.add(v.path);
    else
      problems.push({
        path: [],
        expected: 'each path varied once (list all its values in one --vary)',
        found: `${v.path} a second time`,
        where: `--vary ${v.path}=...`,
      });
  }
  if (problems.length > 0) throw new ScenarioError(problems);
  for (const p of crossProduct(options.vary)) {
    try {
      const overrides = [...baseOverrides, ...pointOverrides(p)];
      const spec = typeof source === 'string' ? loadScenarioFile(source, overrides) : loadScenarioText(source.text, source.name, overrides);
      points.push({ ...p, spec });
    } catch (err) {
      if (!(err instanceof ScenarioError)) throw err;
      for (const found of err.problems) {
        // a value's problem is the --vary's that brought it; the same problem at every value is said once
        const v = options.vary.find((x) => found.where?.startsWith(`--set ${x.path}=`));
        const problem = v ? { ...found, where: `--vary ${v.flag ?? `${v.path}=${v.texts.join(',')}`}` } : found;
        if (!problems.some((q) => q.where === problem.where && q.expected === problem.expected && q.found === problem.found))
          problems.push(problem);
      }
    }
  }
  const metric = options.metric ?? 'latencyMs.p99';
  if (problems.length === 0 && points.length > 0) {
    // the metric must name a number the report has: ask a report of the first point before anything runs
    const probe = new Run(points[0].spec, { endMs: 0 }).report();
    if (!hasMetric(probe, metric))
      problems.push({
        path: [],
        expected: 'a number in the report, such as latencyMs.p99, requests.errorRatio or services.<name>.utilization',
        found: `no ${metric} in the report`,
        where: `--metric ${metric}`,
      });
  }
  if (problems.length > 0) throw new ScenarioError(problems);
  const n = options.seeds ?? 5;
  return {
    scenario: base.name,
    scenarioSha256: options.scenarioSha256 ?? '',
    vary: options.vary,
    seeds: Array.from({ length: n }, (_, i) => base.seed + i),
    metric,
    overrides: baseOverrides.map((o) => o.label),
    points,
  };
}

/** The base changes as overrides (loadScenario has checked them already). */
function scenarioOverridesOf(changes: ScenarioChanges | undefined) {
  return changes ? scenarioOverrides(changes).overrides : [];
}

/** The points shard `index` of `count` runs: every count-th point from the index-th (round-robin, so that slow and fast points spread evenly). */
export function shardPoints(total: number, shard: { index: number; count: number } | undefined): number[] {
  const all = Array.from({ length: total }, (_, i) => i);
  return shard ? all.filter((i) => i % shard.count === shard.index) : all;
}

/** The summary of a point's runs: each metric (in the first run's order) as a mean with its interval. */
export function summarize(runs: readonly SweepRun[]): Record<string, Interval> {
  const keys = new Set<string>();
  for (const r of runs) for (const k of Object.keys(r.metrics)) keys.add(k);
  return Object.fromEntries([...keys].map((k) => [k, bounded(k, meanInterval(runs.map((r) => r.metrics[k] ?? null)))]));
}

/** Six significant digits, as the report writes its figures (no 172.45159999999996 in a CSV). */
const sig = (x: number | null) => (x === null ? null : Number(x.toPrecision(6)));

/**
 * The interval within what the metric can be: latencies, counts, costs and
 * ratios are never negative, and shares (utilization, error ratio, SLO met) never
 * above 1; a t interval over few seeds can reach past both.
 */
function bounded(path: string, i: Interval): Interval {
  const share = unitOf(path) === 'share';
  const clamp = (x: number | null) => (x === null ? null : Math.min(share ? 1 : Number.POSITIVE_INFINITY, Math.max(0, x)));
  return { mean: sig(i.mean), low: sig(clamp(i.low)), high: sig(clamp(i.high)) };
}

/**
 * Run a sweep (or one shard of it): every selected point on every seed, through
 * the executor (in this thread by default). Seed i is the same at every point,
 * so differences between points are differences of the system, not of the noise.
 */
export async function runSweep(
  plan: SweepPlan,
  options: { executor?: Executor; shard?: { index: number; count: number }; onProgress?: (done: number, total: number) => void } = {},
): Promise<SweepResult> {
  const selected = shardPoints(plan.points.length, options.shard);
  const tasks: RunTask[] = selected.flatMap((i) => plan.seeds.map((seed) => ({ spec: plan.points[i].spec, seed, extra: [plan.metric] })));
  const executor = options.executor ?? inProcessExecutor();
  const outcomes = await executor.run(tasks, (done) => options.onProgress?.(done, tasks.length));
  const points = selected.map((i, k) => {
    const runs: SweepRun[] = plan.seeds.map((seed, s) => {
      const o = outcomes[k * plan.seeds.length + s];
      return o.truncated ? { seed, metrics: o.metrics, truncated: true } : { seed, metrics: o.metrics };
    });
    return { point: i, set: plan.points[i].set, summary: summarize(runs), runs };
  });
  return {
    scenario: plan.scenario,
    scenarioSha256: plan.scenarioSha256,
    vary: plan.vary.map((v) => v.path),
    seeds: plan.seeds,
    metric: plan.metric,
    overrides: plan.overrides,
    ...(options.shard ? { shard: { ...options.shard, totalPoints: plan.points.length } } : {}),
    points,
  };
}

/** Why shards cannot be merged, or null when they can. */
function mismatch(a: SweepResult, b: SweepResult): string | null {
  for (const key of ['scenario', 'scenarioSha256', 'vary', 'seeds', 'metric', 'overrides'] as const)
    if (JSON.stringify(a[key]) !== JSON.stringify(b[key]))
      return `the same ${key} in every shard, found ${JSON.stringify(a[key])} and ${JSON.stringify(b[key])}`;
  if (JSON.stringify(a.shard && [a.shard.count, a.shard.totalPoints]) !== JSON.stringify(b.shard && [b.shard.count, b.shard.totalPoints]))
    return 'shards of one sweep (the same shard count and points)';
  return null;
}

/**
 * Combine the shards of one sweep into exactly what the unsharded sweep gives.
 * Throws an Error naming what is wrong: a missing or repeated shard, shards of
 * different sweeps.
 */
export function mergeShards(shards: readonly SweepResult[]): SweepResult {
  if (shards.length === 0) throw new Error('expected shard files, found none');
  const first = shards[0];
  for (const s of shards) {
    if (!s.shard) throw new Error(`expected shard outputs (msim sweep --shard k/n --json file), found an unsharded sweep of ${s.scenario}`);
    const why = mismatch(first, s);
    if (why) throw new Error(`expected ${why}`);
  }
  const count = first.shard!.count;
  const seen = shards.map((s) => s.shard!.index).sort((a, b) => a - b);
  const expected = Array.from({ length: count }, (_, i) => i);
  if (JSON.stringify(seen) !== JSON.stringify(expected)) {
    const missing = expected.filter((i) => !seen.includes(i));
    const twice = seen.filter((i, k) => seen.indexOf(i) !== k);
    throw new Error(
      `expected shards 0/${count} to ${count - 1}/${count}, each once; found ${[missing.length ? `shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} missing` : '', twice.length ? `shard${twice.length > 1 ? 's' : ''} ${twice.join(', ')} twice` : ''].filter(Boolean).join(', ')}`,
    );
  }
  const points = shards.flatMap((s) => s.points).sort((a, b) => a.point - b.point);
  if (points.length !== first.shard!.totalPoints)
    throw new Error(`expected ${first.shard!.totalPoints} points in all, found ${points.length}`);
  const { shard: _, ...rest } = first;
  return { ...rest, points };
}
