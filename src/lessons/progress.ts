// A student's progress through the course, kept in a small file in the working directory (never outside it).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The file's name, in the directory the student works in. */
export const PROGRESS_FILE = '.msim-progress.json';

export interface LessonProgress {
  /** Passed `msim lesson check` at least once. */
  readonly passed: boolean;
  /** How many hints have been shown (the next one is hints[hintsShown]). */
  readonly hintsShown: number;
}

export interface Progress {
  readonly version: 1;
  readonly lessons: Readonly<Record<string, LessonProgress>>;
}

const EMPTY: Progress = { version: 1, lessons: {} };

/** The progress kept in `dir`; none (not an error) when the file is missing or unreadable. */
export function readProgress(dir: string): Progress {
  try {
    const data = JSON.parse(readFileSync(join(dir, PROGRESS_FILE), 'utf8')) as Partial<Progress>;
    if (data === null || typeof data !== 'object' || data.version !== 1 || typeof data.lessons !== 'object' || data.lessons === null)
      return EMPTY;
    const lessons: Record<string, LessonProgress> = {};
    for (const [id, p] of Object.entries(data.lessons)) {
      if (p === null || typeof p !== 'object') continue;
      const hints = Number((p as LessonProgress).hintsShown);
      lessons[id] = { passed: (p as LessonProgress).passed === true, hintsShown: Number.isSafeInteger(hints) && hints > 0 ? hints : 0 };
    }
    return { version: 1, lessons };
  } catch {
    return EMPTY;
  }
}

export function lessonProgress(progress: Progress, id: string): LessonProgress {
  return Object.hasOwn(progress.lessons, id) ? progress.lessons[id] : { passed: false, hintsShown: 0 };
}

/** The progress with one lesson's entry changed. */
export function withLesson(progress: Progress, id: string, change: Partial<LessonProgress>): Progress {
  return { version: 1, lessons: { ...progress.lessons, [id]: { ...lessonProgress(progress, id), ...change } } };
}

export function progressJson(progress: Progress): string {
  return `${JSON.stringify(progress, null, 2)}\n`;
}
