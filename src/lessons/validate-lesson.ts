// Checking a lesson folder for its teacher: the starter runs and fails, the solution passes with margin, pins agree, quoted figures are true.
import type { Report } from '../observe/report.js';
import { ScenarioError, formatProblem } from '../scenario/problems.js';
import { type CheckResult, checkScenario, formatValue, starterSpec } from './grade.js';
import { valuesAt } from './expressions.js';
import type { Figure, Lesson } from './lesson.js';

/** A limit met by less than this share of itself is fragile: another seed or a small model change could flip it. */
export const FRAGILE_MARGIN = 0.05;

export interface FigureCheck extends Figure {
  /** The mean over the grading seeds (null: the metric matched nothing). */
  readonly measured: number | null;
  readonly quoted: boolean;
  readonly ok: boolean;
}

export interface LessonValidation {
  readonly lesson: string;
  /** No problem found. */
  readonly ok: boolean;
  /** What must be fixed, one line each. */
  readonly problems: readonly string[];
  /** The starter's and the solution's grading (null: the file did not load). */
  readonly starter: CheckResult | null;
  readonly solution: CheckResult | null;
  readonly figures: readonly FigureCheck[];
}

function load(lesson: Lesson, file: string, problems: string[], name: string): (CheckResult & { reports: Report[] }) | null {
  try {
    return checkScenario(lesson, file);
  } catch (err) {
    if (!(err instanceof ScenarioError)) throw err;
    for (const p of err.problems) problems.push(`${name}: ${formatProblem(p)}`);
    return null;
  }
}

/** The mean of a report path over the runs, or null when it matches nothing numeric in some run. */
function meanOf(metric: string, reports: readonly Report[]): number | null {
  const path = metric.replace(/\[(\d+)\]/g, '.$1').split('.');
  let sum = 0;
  for (const r of reports) {
    const found = valuesAt(r, path);
    if (found.length !== 1 || typeof found[0].value !== 'number') return null;
    sum += found[0].value;
  }
  return reports.length === 0 ? null : sum / reports.length;
}

/** Validate a lesson: every problem at once, with the margins and figures it measured. */
export function validateLesson(lesson: Lesson): LessonValidation {
  const problems: string[] = [];
  const starter = load(lesson, lesson.starterFile, problems, 'starter.yaml');
  const solution = load(lesson, lesson.solutionFile, problems, 'solution.yaml');

  if (starter) {
    for (const v of starter.violations) problems.push(`starter.yaml breaks its own lesson: ${v.message}`);
    if (starter.violations.length === 0 && starter.passed)
      problems.push('starter.yaml already meets every objective on every seed: it shows the student nothing to fix');
    const spec = starterSpec(lesson);
    for (const path of lesson.pinned) {
      if (valuesAt(spec, path).length === 0) problems.push(`pinned: ${path.join('.')} matches no field of starter.yaml (a typo?)`);
    }
  }
  if (solution) {
    for (const v of solution.violations) problems.push(`solution.yaml: ${v.message}`);
    solution.objectives.forEach((o, i) => {
      const e = lesson.objectives[i];
      o.values.forEach((value, s) => {
        if (value === null)
          problems.push(
            `objective ${o.objective}: matched nothing numeric in the solution's report on seed ${solution.seeds[s]} (at ${o.at[s]})`,
          );
        else if (!o.metBySeed[s])
          problems.push(`solution.yaml misses ${o.objective} on seed ${solution.seeds[s]}: ${formatValue(value, e)}`);
      });
      if (o.met && o.margin !== null && o.margin < FRAGILE_MARGIN)
        problems.push(
          `solution.yaml meets ${o.objective} by only ${(o.margin * 100).toFixed(1)}% of the limit on its worst seed: fragile (at least ${FRAGILE_MARGIN * 100}% is robust)`,
        );
    });
  }

  const figures: FigureCheck[] = lesson.figures.map((f) => {
    const run = f.of === 'starter' ? starter : solution;
    const measured = run && run.reports.length > 0 ? meanOf(f.metric, run.reports) : null;
    const quoted = lesson.readme.includes(f.quote);
    const close = measured !== null && Math.abs(measured - f.value) <= f.tolerance * Math.abs(f.value);
    if (!quoted) problems.push(`figures: README.md does not contain "${f.quote}"`);
    if (measured === null) problems.push(`figures: ${f.metric} matched no single number in the ${f.of}'s reports`);
    else if (!close)
      problems.push(
        `figures: "${f.quote}" says ${f.metric} is ${f.value}, the ${f.of} measures ${Number(measured.toPrecision(4))} (mean over seeds ${lesson.seeds.join(', ')}; tolerance ${f.tolerance * 100}%)`,
      );
    return { ...f, measured, quoted, ok: quoted && close };
  });

  const strip = (r: (CheckResult & { reports: Report[] }) | null): CheckResult | null => {
    if (r === null) return null;
    const { reports: _, ...rest } = r;
    return rest;
  };
  return { lesson: lesson.id, ok: problems.length === 0, problems, starter: strip(starter), solution: strip(solution), figures };
}
