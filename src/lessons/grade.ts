// Grading a student's scenario for a lesson: pinned fields and constraints first, then every objective on every grading seed.
import { formatMs, formatPercent } from '../observe/format.js';
import type { Report } from '../observe/report.js';
import { loadScenario } from '../run/api.js';
import { replicate } from '../run/replicate.js';
import type { ScenarioSpec } from '../scenario/spec.js';
import { scenarioTotals } from '../analysis/totals.js';
import { type Expression, evaluate, margin, valuesAt } from './expressions.js';
import type { Lesson } from './lesson.js';

/** A change the lesson does not allow: a pinned field changed, or a constraint broken. */
export interface Violation {
  readonly kind: 'pinned' | 'constraint';
  /** The field (a scenario path such as `workloads.shoppers.arrivals`), or the constraint as written. */
  readonly field: string;
  /** The pinned value, or the constraint. */
  readonly expected: string;
  readonly found: string;
  /** One line for people. */
  readonly message: string;
}

/** One objective on every grading seed. */
export interface ObjectiveResult {
  /** As written: `latencyMs.p99 < 200ms`. */
  readonly objective: string;
  /** The limit as written: `200ms`. */
  readonly limit: string;
  /** The measured value on each seed, in seed order (null: nothing to measure, such as a p99 with no success). */
  readonly values: readonly (number | null)[];
  /** Met on each seed. */
  readonly metBySeed: readonly boolean[];
  /** Where each value was found (the worst match of a path with `*`). */
  readonly at: readonly string[];
  /** Met on every seed. */
  readonly met: boolean;
  /** The smallest margin over the seeds, as a share of the limit (negative: missed); null where a margin has no meaning. */
  readonly margin: number | null;
}

/** What `msim lesson check` found. */
export interface CheckResult {
  readonly lesson: string;
  readonly passed: boolean;
  readonly seeds: readonly number[];
  /** Empty when the scenario was refused (a violation) before it ran. */
  readonly objectives: readonly ObjectiveResult[];
  readonly violations: readonly Violation[];
}

/** The starter scenario, as the lesson ships it: the reference for pinned fields and for the grading runs' length. */
export function starterSpec(lesson: Lesson): ScenarioSpec {
  return loadScenario(lesson.starterFile);
}

/**
 * A scenario loaded to be graded: the grading runs last as long as the lesson
 * says, or as long as the starter's (a student cannot shorten the run to hide a
 * growing queue). Throws a ScenarioError for a broken file.
 */
export function gradingSpec(lesson: Lesson, source: string | { text: string; name: string }, starter: ScenarioSpec): ScenarioSpec {
  return loadScenario(source, {
    duration: lesson.duration ?? `${starter.durationMs}ms`,
    warmup: lesson.warmup ?? `${starter.warmupMs}ms`,
  });
}

/** A value in a few words: a distribution as `exponential(meanMs=10)`, a list as `[a, b]`. */
export function showValue(value: unknown): string {
  const text = show(value);
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

function show(value: unknown): string {
  if (value === undefined) return 'absent';
  if (value === null || typeof value !== 'object') return typeof value === 'string' ? value : String(value);
  if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`;
  const { kind, ...rest } = value as Record<string, unknown>;
  // in the scenario language's terms: poisson(150/s), exponential(mean=10ms), constant(5ms)
  const fields = Object.entries(rest).map(([k, v]) => {
    if (typeof v !== 'number') return `${k}=${show(v)}`;
    if (k === 'ratePerSec') return `${v}/s`;
    if (k === 'valueMs') return `${v}ms`;
    if (k.endsWith('Ms')) return `${k.slice(0, -2)}=${v}ms`;
    return `${k}=${v}`;
  });
  return typeof kind === 'string' ? `${kind}(${fields.join(', ')})` : `{${fields.join(', ')}}`;
}

/** The fields the lesson pins, changed; and the constraints the scenario breaks. */
export function violations(lesson: Lesson, spec: ScenarioSpec, starter: ScenarioSpec): Violation[] {
  const out: Violation[] = [];
  for (const path of lesson.pinned) {
    const found = new Map(valuesAt(spec, path).map((m) => [m.at, m.value]));
    for (const pinned of valuesAt(starter, path)) {
      const value = found.get(pinned.at);
      if (JSON.stringify(value) === JSON.stringify(pinned.value)) continue;
      const [expected, now] = [showValue(pinned.value), showValue(value)];
      out.push({
        kind: 'pinned',
        field: pinned.at,
        expected,
        found: now,
        message: `${pinned.at} is pinned by the lesson: expected ${expected} (the starter's), found ${now}`,
      });
    }
  }
  const facts = { ...spec, totals: scenarioTotals(spec) };
  for (const c of lesson.constraints) {
    const e = evaluate(c, facts);
    if (e.met) continue;
    const found = e.missing || e.value === null ? 'nothing there' : `${e.at} = ${formatValue(e.value, c)}`;
    out.push({ kind: 'constraint', field: c.text, expected: c.text, found, message: `the lesson allows only ${c.text}, found ${found}` });
  }
  return out;
}

/** Evaluate every objective on the reports of the grading seeds (in seed order). */
export function gradeReports(lesson: Lesson, reports: readonly Report[]): ObjectiveResult[] {
  return lesson.objectives.map((o) => {
    const evals = reports.map((r) => evaluate(o, r));
    const margins = evals.map((e) => (e.value === null ? null : margin(o, e.value)));
    const known = margins.filter((m): m is number => m !== null);
    return {
      objective: o.text,
      limit: o.limitText,
      values: evals.map((e) => e.value),
      metBySeed: evals.map((e) => e.met),
      at: evals.map((e) => e.at),
      met: evals.every((e) => e.met),
      margin: known.length === margins.length && known.length > 0 ? Math.min(...known) : null,
    };
  });
}

export interface CheckOptions {
  /** Called before each grading run (for a progress line). */
  onRun?: (seed: number, index: number) => void;
}

/**
 * Grade a scenario for a lesson: refuse it (without running) when it changes a
 * pinned field or breaks a constraint, else run it on every grading seed and
 * evaluate every objective. Throws a ScenarioError for a broken file.
 */
export function checkScenario(
  lesson: Lesson,
  source: string | { text: string; name: string },
  options: CheckOptions = {},
): CheckResult & { reports: Report[] } {
  const starter = starterSpec(lesson);
  const spec = gradingSpec(lesson, source, starter);
  const found = violations(lesson, spec, starter);
  if (found.length > 0) return { lesson: lesson.id, passed: false, seeds: lesson.seeds, objectives: [], violations: found, reports: [] };
  const reports = lesson.seeds.map((seed, i) => {
    options.onRun?.(seed, i);
    return replicate(spec, [seed])[0];
  });
  const objectives = gradeReports(lesson, reports);
  return { lesson: lesson.id, passed: objectives.every((o) => o.met), seeds: lesson.seeds, objectives, violations: [], reports };
}

/** A measured value in the objective's own terms: milliseconds for a duration limit, a percentage for a percent limit. */
export function formatValue(value: number | null, e: Pick<Expression, 'limitText' | 'path'>): string {
  if (value === null) return 'none';
  if (/(ns|us|µs|ms|s|m|h)$/.test(e.limitText) && !/%$/.test(e.limitText)) return formatMs(value);
  if (e.limitText.endsWith('%')) return formatPercent(value, Math.abs(value) < 0.01 ? 2 : 1);
  if (e.path.some((p) => /Ms$/.test(p))) return formatMs(value);
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(4)));
}
