// A lesson: its folder (text, starter, solution) and its grading spec (lesson.yaml), read and checked; the course's catalog.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { positionOf } from '../scenario/positions.js';
import { type Problem, ScenarioError, inFile, problemsFromZod } from '../scenario/problems.js';
import { suggest } from '../scenario/suggest.js';
import { parseDuration } from '../scenario/units.js';
import { type Expression, parseExpression } from './expressions.js';

/** A number the lesson's text quotes, checked against the run it comes from (so the text cannot drift from the model). */
export interface Figure {
  /** The words the text contains, exactly (README.md must include them). */
  readonly quote: string;
  /** Which scenario's run the number is of. */
  readonly of: 'starter' | 'solution';
  /** A report path (the mean over the grading seeds is compared). */
  readonly metric: string;
  readonly value: number;
  /** Relative: 0.1 is 10% either way. */
  readonly tolerance: number;
}

export interface Lesson {
  /** The folder's name: `01-littles-law`. */
  readonly id: string;
  readonly dir: string;
  readonly title: string;
  /** One line: what the student will do. */
  readonly goal: string;
  readonly seeds: readonly number[];
  /** How long each grading run lasts, and its warm-up (null: the starter's, whatever the student's file says). */
  readonly duration: string | null;
  readonly warmup: string | null;
  readonly objectives: readonly Expression[];
  readonly constraints: readonly Expression[];
  /** Spec paths (`*` for every key) the student may not change: the starter's values there must stay. */
  readonly pinned: readonly (readonly string[])[];
  readonly hints: readonly string[];
  readonly figures: readonly Figure[];
  readonly readme: string;
  readonly starterFile: string;
  readonly solutionFile: string;
}

const figureSchema = z.strictObject({
  quote: z.string().min(1),
  of: z.enum(['starter', 'solution']),
  metric: z.string().min(1),
  value: z.number(),
  tolerance: z.union([z.number().min(0), z.string().regex(/^\d+(\.\d+)?%$/)]),
});

const durationText = z.string().refine((t) => parseDuration(t).ok, { message: 'a duration such as 60s' });

const lessonSchema = z.strictObject({
  title: z.string().min(1),
  goal: z.string().min(1),
  seeds: z.array(z.number().int()).min(3, 'at least 3 seeds (a pass needs every seed)'),
  run: z.strictObject({ duration: durationText.optional(), warmup: durationText.optional() }).optional(),
  objectives: z.array(z.string()).min(1),
  constraints: z.array(z.string()).optional(),
  pinned: z.array(z.string()).optional(),
  hints: z.array(z.string()).min(1),
  figures: z.array(figureSchema).optional(),
});

/** The course shipped with msim: the `lessons/` folder beside `src/` and `dist/`. */
export const COURSE_DIR = fileURLToPath(new URL('../../lessons', import.meta.url));

/** The lesson folders of a course, in order (their names start with a number). */
export function lessonIds(courseDir = COURSE_DIR): string[] {
  if (!existsSync(courseDir)) return [];
  return readdirSync(courseDir)
    .filter(
      (name) =>
        /^\d+-[a-z0-9-]+$/.test(name) && statSync(join(courseDir, name)).isDirectory() && existsSync(join(courseDir, name, 'lesson.yaml')),
    )
    .sort();
}

/** A lesson by id: its full name (`01-littles-law`), its number (`1`, `01`) or its slug (`littles-law`). */
export function findLesson(id: string, courseDir = COURSE_DIR): string | { expected: string; found: string; hint?: string } {
  const ids = lessonIds(courseDir);
  const found =
    ids.find((x) => x === id) ??
    ids.find((x) => /^\d+$/.test(id) && Number(x.split('-')[0]) === Number(id)) ??
    ids.find((x) => x.slice(x.indexOf('-') + 1) === id);
  if (found) return found;
  // a slug written in part (littles) or with a typo (litles-law) still finds its lesson
  const slug = (x: string) => x.slice(x.indexOf('-') + 1);
  const partial = ids.filter((x) => slug(x).includes(id.toLowerCase()));
  const close = suggest(id, ids.map(slug), '%s');
  const guess = partial.length === 1 ? partial[0] : close ? ids.find((x) => slug(x) === close) : suggest(id, ids, '%s') || undefined;
  return { expected: `a lesson: ${ids.join(', ')}`, found: `"${id}"`, hint: guess ? `did you mean "${guess}"?` : undefined };
}

/** Read a lesson folder. Throws a ScenarioError with every problem of its lesson.yaml (file:line:column), or of its files. */
export function loadLesson(dir: string, id = dir.split(/[\\/]/).filter(Boolean).pop()!): Lesson {
  const specFile = join(dir, 'lesson.yaml');
  const files = { readme: join(dir, 'README.md'), starter: join(dir, 'starter.yaml'), solution: join(dir, 'solution.yaml') };
  const missing = [specFile, ...Object.values(files)].filter((f) => !existsSync(f));
  if (missing.length > 0)
    throw new ScenarioError(
      missing.map((f) => ({
        path: [],
        expected: 'a lesson file (lesson.yaml, README.md, starter.yaml, solution.yaml)',
        found: 'no such file',
        where: f,
        file: f,
      })),
    );
  const text = readFileSync(specFile, 'utf8');
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const pos = lines.linePos(e.pos[0]);
    throw new ScenarioError([
      { path: [], expected: 'valid YAML', found: e.message.split('\n')[0], ...inFile(specFile, pos.line, pos.col) },
    ]);
  }
  const data = doc.toJS();
  const parsed = lessonSchema.safeParse(data, { reportInput: true });
  const problems: Problem[] = parsed.success ? [] : problemsFromZod(parsed.error.issues);
  const expressions = (key: 'objectives' | 'constraints'): Expression[] => {
    const out: Expression[] = [];
    // read even when other fields are wrong: every problem at once
    const list: unknown = data !== null && typeof data === 'object' ? (data as Record<string, unknown>)[key] : undefined;
    (Array.isArray(list) ? list : []).forEach((t, i) => {
      if (typeof t !== 'string') return; // the schema says so
      const e = parseExpression(t);
      if (typeof e === 'string')
        problems.push({ path: [key, i], expected: e.replace(/^expected /, '').replace(/, found .*$/, ''), found: JSON.stringify(t) });
      else out.push(e);
    });
    return out;
  };
  const objectives = expressions('objectives');
  const constraints = expressions('constraints');
  if (problems.length > 0) {
    throw new ScenarioError(
      problems.map((p) => {
        const pos = positionOf(doc, lines, p.path, { atKey: p.atKey });
        return { ...p, ...inFile(specFile, pos.line, pos.column) };
      }),
    );
  }
  const d = parsed.data!;
  return {
    id,
    dir,
    title: d.title,
    goal: d.goal,
    seeds: d.seeds,
    duration: d.run?.duration ?? null,
    warmup: d.run?.warmup ?? null,
    objectives,
    constraints,
    pinned: (d.pinned ?? []).map((p) => p.split('.')),
    hints: d.hints,
    figures: (d.figures ?? []).map((f) => ({
      ...f,
      tolerance: typeof f.tolerance === 'string' ? Number(f.tolerance.slice(0, -1)) / 100 : f.tolerance,
    })),
    readme: readFileSync(files.readme, 'utf8'),
    starterFile: files.starter,
    solutionFile: files.solution,
  };
}
