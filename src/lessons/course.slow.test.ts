// Every lesson of the course, as a student and a teacher would run it: the starter fails, the solution passes, the text's figures hold.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../test-support/cli.js';
import { COURSE_DIR, lessonIds } from './lesson.js';

const ids = lessonIds();
/** A student's working directory (a passed check writes its progress file there). */
const cwd = mkdtempSync(join(tmpdir(), 'msim-course-'));

describe('the course', () => {
  it('has its lessons in order, each number once', () => {
    expect(ids.length).toBeGreaterThanOrEqual(1);
    const numbers = ids.map((id) => Number(id.slice(0, 2)));
    expect(new Set(numbers).size).toBe(numbers.length);
  });

  describe.each(ids)('%s', (id) => {
    it('msim lesson check: the starter misses (exit 1), the solution passes on every seed (exit 0)', async () => {
      const starter = await runCli(['lesson', 'check', id, join(COURSE_DIR, id, 'starter.yaml'), '--json'], { cwd });
      expect(starter.stderr).toBe('');
      expect(starter.code).toBe(1);
      expect(JSON.parse(starter.stdout)).toMatchObject({ lesson: id, passed: false, violations: [] });
      const solution = await runCli(['lesson', 'check', id, join(COURSE_DIR, id, 'solution.yaml'), '--json'], { cwd });
      const result = JSON.parse(solution.stdout);
      expect(result.violations).toEqual([]);
      expect(result.objectives.filter((o: { met: boolean }) => !o.met)).toEqual([]);
      expect(solution.code).toBe(0);
    });

    it('msim lesson validate: margins of 5% or more, pins agree, every figure the text quotes is measured within its tolerance', async () => {
      const r = await runCli(['lesson', 'validate', join(COURSE_DIR, id), '--json'], { cwd });
      const v = JSON.parse(r.stdout);
      expect(v.problems).toEqual([]);
      expect(r.code).toBe(0);
    });
  });
});
