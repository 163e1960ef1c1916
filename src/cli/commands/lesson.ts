// `msim lesson list|start|run|check|hint|solution|validate`: the course in lessons/, self-checking exercises.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import {
  type CheckResult,
  type ObjectiveResult,
  checkScenario,
  formatValue,
  gradeReports,
  gradingSpec,
  starterSpec,
  violations,
} from '../../lessons/grade.js';
import { type Expression, margin } from '../../lessons/expressions.js';
import { type Lesson, findLesson, lessonIds, loadLesson, COURSE_DIR } from '../../lessons/lesson.js';
import { PROGRESS_FILE, type Progress, lessonProgress, progressJson, readProgress, withLesson } from '../../lessons/progress.js';
import { type LessonValidation, validateLesson } from '../../lessons/validate-lesson.js';
import { formatSummary } from '../../observe/summary.js';
import { SCENARIO_SCHEMA_FILE, schemaModeline } from '../../scenario/json-schema.js';
import { ScenarioError } from '../../scenario/problems.js';
import type { ScenarioSpec } from '../../scenario/spec.js';
import type { ObjectiveLine } from '../../run/snapshot.js';
import { LESSON_HELP } from '../help-text.js';
import { type CliIo, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK, UsageError } from '../io.js';
import { checkOutputPath, writeAtomically } from '../output.js';
import { refuseEndlessRun, scenarioUsageError } from '../scenario-input.js';
import { defaultSpeed, runPlain } from './run.js';
import { LiveSession } from '../../run/live-session.js';
import { colorsEnabled } from '../../ui/theme.js';
import { loadDashboard } from '../../ui/load-dashboard.js';
import type { Report } from '../../observe/report.js';

/** Exit code of `lesson check` and `lesson validate` when the work is not there yet (an objective missed, a problem found). */
const EXIT_NOT_YET = 1;

/** Where the course is: MSIM_COURSE_DIR (for teachers trying a course of their own), else the lessons shipped with msim. */
function courseDir(io: CliIo): string {
  return io.env.MSIM_COURSE_DIR ? resolve(io.cwd, io.env.MSIM_COURSE_DIR) : COURSE_DIR;
}

/** A lesson of the course by id, number or slug; an unknown one is a usage error listing the ids. */
function lessonById(id: string, io: CliIo): Lesson {
  const dir = courseDir(io);
  const found = findLesson(id, dir);
  if (typeof found !== 'string') {
    const hint = found.hint ? ` (${found.hint})` : '';
    throw new UsageError([`lesson ${id}: expected ${found.expected}, found ${found.found}${hint}`]);
  }
  return readLesson(join(dir, found), found);
}

/** A lesson folder read, its problems (a teacher's) as a usage error naming the folder as `shown`. */
function readLesson(dir: string, id?: string, shown = dir): Lesson {
  try {
    return loadLesson(dir, id);
  } catch (err) {
    if (err instanceof ScenarioError) throw scenarioUsageError(err, dir, shown);
    throw err;
  }
}

/** The student's scenario file (default `./<id>.yaml`), which must exist. */
function studentFile(lesson: Lesson, file: string | undefined, io: CliIo): { abs: string; shown: string } {
  const shown = file ?? `${lesson.id}.yaml`;
  const abs = resolve(io.cwd, shown);
  if (!existsSync(abs) || !statSync(abs).isFile()) {
    const start = file === undefined ? `; msim lesson start ${lesson.id} writes it` : '';
    throw new UsageError([`${shown}: expected your scenario for lesson ${lesson.id}, found no such file${start}`]);
  }
  return { abs, shown };
}

/** Load a scenario for grading; its problems name the file as the student wrote it. */
function withStudentFile<T>(abs: string, shown: string, load: () => T): T {
  try {
    return load();
  } catch (err) {
    if (err instanceof ScenarioError) throw scenarioUsageError(err, abs, shown);
    throw err;
  }
}

function saveProgress(io: CliIo, progress: Progress): void {
  try {
    writeAtomically(join(io.cwd, PROGRESS_FILE), progressJson(progress));
  } catch (err) {
    io.stderr.write(`warning: progress not saved in ${PROGRESS_FILE} (${(err as NodeJS.ErrnoException).code ?? String(err)})\n`);
  }
}

/** Write a lesson file (starter or solution) into `dir`, unless one is there already and --force was not given. */
function writeLessonFile(
  io: CliIo,
  dir: string | undefined,
  name: string,
  source: string,
  force: boolean,
): { shown: string; written: boolean } {
  const shown = dir === undefined ? name : join(dir, name);
  const abs = checkOutputPath(dir === undefined ? name : dir, shown, io.cwd);
  if (existsSync(abs) && !force) return { shown, written: false };
  writeAtomically(abs, withSchemaModeline(readFileSync(source, 'utf8')));
  return { shown, written: true };
}

/** A lesson file's modeline points to the schema relative to the course; a copy elsewhere points to the installed one. */
function withSchemaModeline(text: string): string {
  const schema = fileURLToPath(new URL(`../../../${SCENARIO_SCHEMA_FILE}`, import.meta.url));
  return text.replace(/^# yaml-language-server: \$schema=.*$/m, schemaModeline(schema));
}

/** `  met     latencyMs.p99 < 200ms   seed 1: 143ms` for every objective and seed. */
export function objectiveLines(lesson: Lesson, result: Pick<CheckResult, 'seeds' | 'objectives'>): string[] {
  const width = Math.max(...result.objectives.map((o) => o.objective.length));
  const lines: string[] = [];
  result.objectives.forEach((o, i) => {
    const e = lesson.objectives[i];
    o.values.forEach((value, s) => {
      const where = o.at[s] !== e.path.join('.') && !o.at[s].includes('(') ? ` (${o.at[s]})` : '';
      lines.push(
        `  ${o.metBySeed[s] ? 'met   ' : 'MISSED'}  ${o.objective.padEnd(width)}  seed ${result.seeds[s]}: ${formatValue(value, e)}${where}`,
      );
    });
  });
  return lines;
}

function missedCount(objectives: readonly ObjectiveResult[]): number {
  return objectives.reduce((n, o) => n + o.metBySeed.filter((m) => !m).length, 0);
}

/** The next hint, counted in the progress file: `hint 2 of 3: ...`, or the last one again with where to go next. */
function nextHint(lesson: Lesson, io: CliIo): string {
  const progress = readProgress(io.cwd);
  const shown = lessonProgress(progress, lesson.id).hintsShown;
  const n = lesson.hints.length;
  if (shown >= n)
    return `hint ${n} of ${n} (the last): ${lesson.hints[n - 1]}\nmsim lesson solution ${lesson.id} writes the reference solution beside yours.`;
  saveProgress(io, withLesson(progress, lesson.id, { hintsShown: shown + 1 }));
  return `hint ${shown + 1} of ${n}: ${lesson.hints[shown]}`;
}

function checkJson(result: CheckResult): string {
  return `${JSON.stringify(
    {
      lesson: result.lesson,
      passed: result.passed,
      seeds: result.seeds,
      objectives: result.objectives.map((o) => ({
        objective: o.objective,
        limit: o.limit,
        values: o.values,
        met: o.met,
        metBySeed: o.metBySeed,
      })),
      violations: result.violations.map((v) => ({
        kind: v.kind,
        field: v.field,
        expected: v.expected,
        found: v.found,
        message: v.message,
      })),
    },
    null,
    2,
  )}\n`;
}

/** The value of an objective's worst seed: the one with the smallest margin (the margin shown beside it), a missed one first. */
function worstValue(values: readonly (number | null)[], metBySeed: readonly boolean[], e: Expression): number | null {
  let worst: number | null = null;
  let worstRank = Infinity;
  values.forEach((x, s) => {
    if (x === null) return;
    // a margin where it has a meaning (negative when missed); for == and !=, missed before met
    const rank = margin(e, x) ?? (metBySeed[s] ? 0 : -1);
    if (rank < worstRank) {
      worst = x;
      worstRank = rank;
    }
  });
  return worst;
}

function validationText(v: LessonValidation, lesson: Lesson): string {
  const lines = [`lesson ${v.lesson}: ${v.ok ? 'ok' : `${v.problems.length} problem${v.problems.length === 1 ? '' : 's'}`}`];
  if (v.starter && v.starter.objectives.length > 0) {
    const missed = missedCount(v.starter.objectives);
    lines.push(
      `  starter: misses ${missed} of ${v.starter.objectives.length * v.starter.seeds.length} objective checks (it should miss some)`,
    );
  }
  if (v.solution && v.solution.objectives.length > 0) {
    lines.push('  solution, by objective: worst seed and its margin to the limit');
    v.solution.objectives.forEach((o, i) => {
      const e = lesson.objectives[i];
      const worst = worstValue(o.values, o.metBySeed, e);
      const m = o.margin === null ? 'margin -' : `margin ${(o.margin * 100).toFixed(1)}%`;
      lines.push(`    ${o.met ? 'met   ' : 'MISSED'}  ${o.objective}: ${formatValue(worst, e)}, ${m}`);
    });
  }
  for (const f of v.figures)
    lines.push(
      `  figure "${f.quote}": ${f.metric} of the ${f.of} = ${f.measured === null ? 'none' : Number(f.measured.toPrecision(4))} (quoted ${f.value})${f.ok ? '' : '  <- problem'}`,
    );
  for (const p of v.problems) lines.push(`  problem: ${p}`);
  return `${lines.join('\n')}\n`;
}

export function registerLesson(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const lesson = program
    .command('lesson')
    .description('the course in lessons/: start an exercise, watch it, get hints, check your fix')
    .addHelpText('after', LESSON_HELP);

  lesson
    .command('list')
    .description('every lesson, with your progress (passed or not yet)')
    .option('--json', 'print [{ id, title, goal, passed }]')
    .action((flags: { json?: boolean }) => {
      const dir = courseDir(io);
      const progress = readProgress(io.cwd);
      const lessons = lessonIds(dir).map((id) => readLesson(join(dir, id), id));
      const rows = lessons.map((l) => ({ id: l.id, title: l.title, goal: l.goal, passed: lessonProgress(progress, l.id).passed }));
      if (flags.json) io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      else {
        const width = Math.max(0, ...rows.map((r) => r.id.length));
        const done = rows.filter((r) => r.passed).length;
        io.stdout.write(`msim course: ${rows.length} lessons, ${done} passed (progress in ./${PROGRESS_FILE})\n\n`);
        for (const r of rows)
          io.stdout.write(
            `  ${r.passed ? 'passed ' : 'not yet'}  ${r.id.padEnd(width)}  ${r.title}\n  ${' '.repeat(9 + width)}  ${r.goal}\n`,
          );
        io.stdout.write(`\nStart one: msim lesson start ${rows[0]?.id ?? '<id>'}\n`);
      }
      setExit(EXIT_OK);
    });

  lesson
    .command('start')
    .description('write the starter scenario as <id>.yaml and print the lesson')
    .argument('<id>', 'a lesson: its id (01-littles-law), number (1) or name (littles-law)')
    .argument('[dir]', 'where to write it (default: the current directory)')
    .option('--force', 'overwrite an existing <id>.yaml (your work in it is lost)')
    .action((id: string, dir: string | undefined, flags: { force?: boolean }) => {
      const l = lessonById(id, io);
      const { shown, written } = writeLessonFile(io, dir, `${l.id}.yaml`, l.starterFile, Boolean(flags.force));
      io.stdout.write(`${l.readme.trimEnd()}\n\n`);
      io.stdout.write(
        written
          ? `Your scenario is ${shown}. Watch it: msim lesson run ${l.id}${dir ? ` ${shown}` : ''}\nChange it, then check it: msim lesson check ${l.id}${dir ? ` ${shown}` : ''}   (a hint: msim lesson hint ${l.id})\n`
          : `${shown} is already there (your work?): kept as it is; --force starts over from the starter.\n`,
      );
      setExit(EXIT_OK);
    });

  lesson
    .command('run')
    .description("run your scenario on the lesson's first grading seed, with its objectives")
    .argument('<id>', 'a lesson: its id, number or name')
    .argument('[file]', 'your scenario (default: ./<id>.yaml)')
    .option('--no-tui', 'a plain summary instead of the live dashboard')
    .action(async (id: string, file: string | undefined, flags: { tui: boolean }) => {
      const l = lessonById(id, io);
      const { abs, shown } = studentFile(l, file, io);
      const starter = starterSpec(l);
      const spec: ScenarioSpec = withStudentFile(abs, shown, () => gradingSpec(l, abs, starter));
      refuseEndlessRun(spec, shown);
      for (const v of violations(l, spec, starter)) io.stderr.write(`warning: ${v.message} (msim lesson check will refuse this)\n`);
      const seed = l.seeds[0];
      const live = io.terminal !== undefined && flags.tui && !io.env.CI;
      let report: Report;
      let interrupted = false;
      if (live) {
        io.terminal!.stdin.setRawMode?.(true);
        const { runDashboard, describeError } = await loadDashboard();
        const session = new LiveSession(spec, { seed, speed: defaultSpeed(spec.durationMs), objectives: (r) => liveObjectives(l, r) });
        const outcome = await runDashboard(session, io.terminal!, colorsEnabled(io.env));
        report = outcome.report;
        if (outcome.error) {
          io.stderr.write(`msim: the dashboard failed (${describeError(outcome.error)}); this is a bug in msim, please report it.\n`);
          setExit(EXIT_INTERNAL);
        }
        io.stdout.write('\r\x1b[2K');
      } else {
        const plain = await runPlain(spec, { seed }, io);
        report = plain.report;
        interrupted = plain.interrupted;
      }
      io.stdout.write(formatSummary(report));
      const objectives = gradeReports(l, [report]);
      io.stdout.write(`\nLesson ${l.id}, seed ${seed} (msim lesson check grades seeds ${l.seeds.join(', ')}):\n`);
      io.stdout.write(`${objectiveLines(l, { seeds: [seed], objectives }).join('\n')}\n`);
      if (interrupted) setExit(EXIT_INTERRUPTED);
      else if (!live) setExit(EXIT_OK);
    });

  lesson
    .command('check')
    .description('grade your scenario: pinned fields, constraints, every objective on every grading seed')
    .argument('<id>', 'a lesson: its id, number or name')
    .argument('[file]', 'your scenario (default: ./<id>.yaml)')
    .option('--json', 'print { lesson, passed, objectives: [{ objective, limit, values, met }], violations } for an autograder')
    .action((id: string, file: string | undefined, flags: { json?: boolean }) => {
      const l = lessonById(id, io);
      const { abs, shown } = studentFile(l, file, io);
      const tty = Boolean(io.stderr.isTTY) && !io.env.CI && !flags.json;
      const result = withStudentFile(abs, shown, () => {
        const starter = starterSpec(l);
        refuseEndlessRun(gradingSpec(l, abs, starter), shown);
        return checkScenario(l, abs, {
          onRun: (seed, i) => {
            if (tty) io.stderr.write(`\r\x1b[2Kgrading ${shown}: seed ${seed} (${i + 1} of ${l.seeds.length})`);
          },
        });
      });
      if (tty) io.stderr.write('\r\x1b[2K');
      const progress = readProgress(io.cwd);
      if (result.passed && !lessonProgress(progress, l.id).passed) saveProgress(io, withLesson(progress, l.id, { passed: true }));
      setExit(result.passed ? EXIT_OK : EXIT_NOT_YET);
      if (flags.json) {
        io.stdout.write(checkJson(result));
        return;
      }
      if (result.violations.length > 0) {
        io.stdout.write(`${shown}: refused, not run (lesson ${l.id} does not allow these changes):\n`);
        for (const v of result.violations) io.stdout.write(`  ${v.message}\n`);
        io.stdout.write('Undo them and check again: the point is to fix the system, not the load.\n');
        return;
      }
      io.stdout.write(`Lesson ${l.id}: ${shown} on seeds ${l.seeds.join(', ')}\n${objectiveLines(l, result).join('\n')}\n`);
      if (result.passed) {
        const next = lessonIds(courseDir(io)).find((x) => x > l.id);
        io.stdout.write(
          `Passed: every objective met on every seed.${next ? ` Next: msim lesson start ${next}` : ' That was the last lesson: well done.'}\n`,
        );
      } else {
        const missed = missedCount(result.objectives);
        io.stdout.write(`Not yet: ${missed} of ${result.objectives.length * result.seeds.length} checks missed.\n${nextHint(l, io)}\n`);
      }
    });

  lesson
    .command('hint')
    .description('the next hint for a lesson (one at a time)')
    .argument('<id>', 'a lesson: its id, number or name')
    .action((id: string) => {
      io.stdout.write(`${nextHint(lessonById(id, io), io)}\n`);
      setExit(EXIT_OK);
    });

  lesson
    .command('solution')
    .description("write the lesson's reference solution as <id>.solution.yaml")
    .argument('<id>', 'a lesson: its id, number or name')
    .argument('[dir]', 'where to write it (default: the current directory)')
    .option('--force', 'overwrite an existing <id>.solution.yaml')
    .action((id: string, dir: string | undefined, flags: { force?: boolean }) => {
      const l = lessonById(id, io);
      const { shown, written } = writeLessonFile(io, dir, `${l.id}.solution.yaml`, l.solutionFile, Boolean(flags.force));
      io.stdout.write(
        written
          ? `The reference solution is in ${shown}. Peeking is allowed, but learning is the point: compare it with yours, then run it (msim lesson run ${l.id} ${shown}) and see why it works.\n`
          : `${shown} is already there: kept as it is (--force writes it again).\n`,
      );
      setExit(EXIT_OK);
    });

  lesson
    .command('validate')
    .description('for teachers: check a lesson folder (starter fails, solution passes with margin, pins agree, quoted figures hold)')
    .argument('<dir>', 'the lesson folder (lesson.yaml, README.md, starter.yaml, solution.yaml)')
    .option('--json', 'print the validation as JSON')
    .action((dir: string, flags: { json?: boolean }) => {
      const abs = resolve(io.cwd, dir);
      if (!existsSync(abs) || !statSync(abs).isDirectory())
        throw new UsageError([`${dir}: expected a lesson folder, found no such directory`]);
      const l = readLesson(abs, basename(abs), dir.replace(/[\\/]+$/, ''));
      const v = validateLesson(l);
      if (flags.json) io.stdout.write(`${JSON.stringify(v, null, 2)}\n`);
      else io.stdout.write(validationText(v, l).replaceAll(abs, relative(io.cwd, abs) || '.'));
      setExit(v.ok ? EXIT_OK : EXIT_NOT_YET);
    });
}

/** The lesson's objectives on a report of the run so far, as the dashboard's strip shows them. */
export function liveObjectives(l: Lesson, report: Report): ObjectiveLine[] {
  return gradeReports(l, [report]).map((o, i) => {
    const value = o.values[0];
    return { objective: o.objective, value: formatValue(value, l.objectives[i]), met: value === null ? null : o.met };
  });
}
