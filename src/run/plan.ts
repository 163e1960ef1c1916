// The planner: the smallest value of an integer field (or the cheapest combination of several) that meets every SLO objective on every seed.
import { scenarioTotals } from '../analysis/totals.js';
import { type Problem, ScenarioError } from '../scenario/problems.js';
import { valuesAt } from '../observe/value-paths.js';
import { loadScenarioFile, loadScenarioText } from '../scenario/load.js';
import type { ScenarioSpec, SloSpec } from '../scenario/spec.js';
import { type ScenarioChanges, loadScenario, scenarioOverrides } from './api.js';
import { type Executor, inProcessExecutor } from './executor.js';
import type { Metrics } from './point-metrics.js';
import type { ScenarioSource } from './sweep.js';
import { parseSetFlag, type Override } from '../scenario/overrides.js';

/** A field to minimize and where to look: `hi` null means "double from `lo` until it passes" (galloping). */
export interface PlanDimension {
  readonly path: string;
  readonly lo: number;
  readonly hi: number | null;
}

/** One run the planner made. */
export interface PlanRun {
  readonly set: Readonly<Record<string, number>>;
  readonly seed: number;
  /** Every SLO objective met on this seed. */
  readonly pass: boolean;
  readonly metrics: Metrics;
  /** The objectives missed, as `p99 612ms > 300ms` texts (empty when it passed). */
  readonly missed: readonly string[];
}

/** The planner's answer and its evidence: what `msim plan --json` prints. */
export interface PlanResult {
  readonly scenario: string;
  readonly minimize: readonly string[];
  /** What was minimized: the field itself (one field), or the total cores of the scenario (several). */
  readonly objective: 'value' | 'totals.cores';
  readonly seeds: readonly number[];
  /** The smallest passing point, or null when even the top of the range fails. */
  readonly answer: Readonly<Record<string, number>> | null;
  /** Every run made, in the order made. */
  readonly runs: readonly PlanRun[];
  /** How many points a full sweep of the same ranges would run (when the ranges are bounded). */
  readonly fullSweepPoints: number | null;
  /** Why there is no answer, in words. */
  readonly reason: string | null;
}

/** Without --range, doubling stops at this value: past it the field is surely not what limits the system. */
export const GALLOP_LIMIT = 4096;

/** The SLO objectives of a scenario as (label, report path, target): what a run must meet. */
export function sloChecks(spec: ScenarioSpec): { label: string; path: string; target: number; unit: 'ms' | 'share' }[] {
  const out: { label: string; path: string; target: number; unit: 'ms' | 'share' }[] = [];
  const add = (slo: SloSpec, prefix: string, label: string) => {
    for (const [key, target] of Object.entries(slo.latencyMs))
      out.push({ label: `${label}${key}`, path: `${prefix}latencyMs.${key}`, target: target as number, unit: 'ms' });
    if (slo.errorRate !== null)
      out.push({ label: `${label}errorRate`, path: `${prefix}requests.errorRatio`, target: slo.errorRate, unit: 'share' });
  };
  if (spec.slo) add(spec.slo, '', '');
  for (const w of spec.workloads) if (w.slo) add(w.slo, `workloads.${w.name}.`, `${w.name} `);
  return out;
}

/** A scenario has objectives: end to end or on a workload. */
export function hasSlo(spec: ScenarioSpec): boolean {
  return spec.slo !== null || spec.workloads.some((w) => w.slo !== null);
}

function missedOf(checks: ReturnType<typeof sloChecks>, m: Metrics, show: (v: number, unit: 'ms' | 'share') => string): string[] {
  const out: string[] = [];
  for (const c of checks) {
    const v = m[c.path];
    if (v === null || v === undefined) out.push(`${c.label}: nothing measured`);
    else if (v > c.target) out.push(`${c.label} ${show(v, c.unit)} > ${show(c.target, c.unit)}`);
  }
  return out;
}

interface Options {
  readonly dimensions: readonly PlanDimension[];
  readonly seeds?: number;
  readonly changes?: ScenarioChanges;
  readonly executor?: Executor;
  /** Called after each point is decided. */
  readonly onPoint?: (set: Readonly<Record<string, number>>, runs: readonly PlanRun[]) => void;
  /** How values are shown in `missed` texts. */
  readonly show?: (v: number, unit: 'ms' | 'share') => string;
  /** Called once the inputs are checked, before the first run. */
  readonly onStart?: (base: ScenarioSpec) => void;
}

/**
 * Find the smallest passing value by a monotone search: more of the field
 * never makes the system worse (more replicas, cores, cache capacity). One
 * field: gallop (double) from the low end when there is no top, then bisect
 * between the last miss and the first pass; with a range, check the top first
 * (if it misses, there is no answer), then bisect. Several fields: try the
 * combinations from the cheapest (fewest total cores) up, skipping any that is
 * no larger than a combination that already missed (it would miss too); the
 * first that passes is the answer. A point passes when every SLO objective is
 * met on every seed. Throws a ScenarioError for a value the scenario refuses.
 */
export async function runPlan(source: ScenarioSource, options: Options): Promise<PlanResult> {
  const base = loadScenario(source, options.changes);
  if (!hasSlo(base))
    throw new ScenarioError([
      { path: ['slo'], expected: 'an slo: section or a workload with slo: (the objectives the plan must meet)', found: 'none' },
    ]);
  // each field must be a whole number in the scenario (replicas, cores, a capacity): that is what a plan searches
  const notCounts: Problem[] = [];
  for (const d of options.dimensions) {
    const found = valuesAt(base, d.path.split('.'));
    if (found.length !== 1 || typeof found[0].value !== 'number' || !Number.isInteger(found[0].value))
      notCounts.push({
        path: [],
        expected: 'a whole-number field such as services.<name>.replicas, services.<name>.cores or caches.<name>.capacity',
        found: found.length === 0 ? 'no such field' : found.length > 1 ? `${found.length} fields` : `${JSON.stringify(found[0].value)}`,
        where: `--minimize ${d.path}`,
      });
  }
  if (notCounts.length > 0) throw new ScenarioError(notCounts);
  const checks = sloChecks(base);
  const baseOverrides: Override[] = options.changes ? scenarioOverrides(options.changes).overrides : [];
  const seeds = Array.from({ length: options.seeds ?? 5 }, (_, i) => base.seed + i);
  const executor = options.executor ?? inProcessExecutor();
  const show = options.show ?? ((v: number) => String(v));
  const dims = options.dimensions;
  options.onStart?.(base);
  const runs: PlanRun[] = [];
  const decided = new Map<string, boolean>();

  const specOf = (set: Record<string, number>): ScenarioSpec => {
    const overrides = [...baseOverrides, ...dims.map((d) => parseSetFlag(`${d.path}=${set[d.path]}`) as Override)];
    return typeof source === 'string' ? loadScenarioFile(source, overrides) : loadScenarioText(source.text, source.name, overrides);
  };
  const test = async (set: Record<string, number>): Promise<boolean> => {
    const key = JSON.stringify(set);
    const known = decided.get(key);
    if (known !== undefined) return known;
    const spec = specOf(set);
    const extra = checks.map((c) => c.path);
    const outcomes = await executor.run(seeds.map((seed) => ({ spec, seed, extra })));
    const made = outcomes.map((o, i) => {
      const missed = missedOf(checks, o.metrics, show);
      const pass = missed.length === 0 && o.metrics['slo.met'] === 1 && !o.truncated;
      return {
        set,
        seed: seeds[i],
        pass,
        metrics: o.metrics,
        missed: o.truncated ? [...missed, 'the run stopped early (too many requests in the system)'] : missed,
      };
    });
    runs.push(...made);
    options.onPoint?.(set, made);
    const pass = made.every((r) => r.pass);
    decided.set(key, pass);
    return pass;
  };

  const result = (answer: Record<string, number> | null, reason: string | null, fullSweepPoints: number | null): PlanResult => ({
    scenario: base.name,
    minimize: dims.map((d) => d.path),
    objective: dims.length === 1 ? 'value' : 'totals.cores',
    seeds,
    answer,
    runs,
    fullSweepPoints,
    reason,
  });

  if (dims.length === 1) {
    const d = dims[0];
    const at = (v: number) => ({ [d.path]: v });
    let fail = d.lo - 1; // assumed to miss: below the range
    let pass: number;
    if (d.hi !== null) {
      if (!(await test(at(d.hi)))) return result(null, `even ${d.path}=${d.hi}, the top of the range, misses the SLO`, d.hi - d.lo + 1);
      pass = d.hi;
    } else {
      let v = Math.max(1, d.lo);
      let previous: { value: number; measured: string } | null = null;
      for (;;) {
        if (await test(at(v))) {
          pass = v;
          break;
        }
        fail = v;
        // the objectives' measurements the same twice in a row: more of this field no longer changes them (another
        // limit binds). Not when nothing succeeded (every request failed: two failed points look the same and say nothing)
        const last = runs.slice(-seeds.length);
        const measured = JSON.stringify(last.map((r) => checks.map((c) => r.metrics[c.path])));
        const informative = last.every((r) => r.metrics['requests.errorRatio'] !== 1 && checks.every((c) => r.metrics[c.path] != null));
        if (informative && previous !== null && measured === previous.measured)
          return result(
            null,
            `${d.path}=${v} measures exactly as ${d.path}=${previous.value} did: more of it no longer changes the result, so no value meets the SLO (something else limits it)`,
            null,
          );
        previous = informative ? { value: v, measured } : null;
        if (v >= GALLOP_LIMIT)
          return result(null, `even ${d.path}=${v} misses the SLO (doubling from ${d.lo}; give --range to look further)`, null);
        v = Math.min(v * 2, GALLOP_LIMIT);
      }
    }
    while (pass - fail > 1) {
      const mid = Math.floor((fail + pass) / 2);
      if (await test(at(mid))) pass = mid;
      else fail = mid;
    }
    return result(at(pass), null, d.hi === null ? null : d.hi - d.lo + 1);
  }

  // several fields: by cost, pruning what a miss already rules out
  if (dims.some((d) => d.hi === null))
    throw new ScenarioError(
      dims
        .filter((d) => d.hi === null)
        .map((d) => ({ path: [], expected: `a --range for ${d.path} (several --minimize fields search a bounded grid)`, found: 'none' })),
    );
  let grid: Record<string, number>[] = [{}];
  for (const d of dims) {
    const next: Record<string, number>[] = [];
    for (const g of grid) for (let v = d.lo; v <= d.hi!; v++) next.push({ ...g, [d.path]: v });
    grid = next;
  }
  const costed = grid.map((set) => ({ set, cost: scenarioTotals(specOf(set)).cores }));
  costed.sort((a, b) => a.cost - b.cost || dims.reduce((c, d) => c || a.set[d.path] - b.set[d.path], 0));
  const misses: Record<string, number>[] = [];
  const below = (a: Record<string, number>, b: Record<string, number>) => dims.every((d) => a[d.path] <= b[d.path]);
  for (const { set } of costed) {
    if (misses.some((m) => below(set, m))) continue;
    if (await test(set)) return result(set, null, grid.length);
    misses.push(set);
  }
  return result(null, 'no combination in the ranges meets the SLO', grid.length);
}
