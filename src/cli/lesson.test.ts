import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COURSE_DIR } from '../lessons/lesson.js';
import { runCli } from '../test-support/cli.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'msim-lesson-'));
const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at .+:\d+:\d+/);

/** A course of one lesson copied from lesson 01, changed by `edit` (file name -> new text). */
function course(edit: Record<string, (text: string) => string> = {}): { dir: string; lesson: string } {
  const dir = tmp();
  const lesson = join(dir, '01-littles-law');
  cpSync(join(COURSE_DIR, '01-littles-law'), lesson, { recursive: true });
  for (const [file, change] of Object.entries(edit)) writeFileSync(join(lesson, file), change(readFileSync(join(lesson, file), 'utf8')));
  return { dir, lesson };
}

describe('msim lesson: a student', () => {
  it('lists the course as JSON [{ id, title, goal, passed }], passed from the progress file in the working directory', async () => {
    const cwd = tmp();
    const r = await runCli(['lesson', 'list', '--json'], { cwd });
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout);
    expect(rows[0]).toEqual({ id: '01-littles-law', title: expect.any(String), goal: expect.any(String), passed: false });
    writeFileSync(
      join(cwd, '.msim-progress.json'),
      JSON.stringify({ version: 1, lessons: { '01-littles-law': { passed: true, hintsShown: 0 } } }),
    );
    const again = JSON.parse((await runCli(['lesson', 'list', '--json'], { cwd })).stdout);
    expect(again[0].passed).toBe(true);
    const text = await runCli(['lesson', 'list'], { cwd });
    expect(text.stdout).toMatch(/passed\s+01-littles-law\s+Little's law/);
  });

  it('starts a lesson: writes <id>.yaml, prints the text, never overwrites without --force', async () => {
    const cwd = tmp();
    const r = await runCli(['lesson', 'start', '1'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^# 01 · Little's law/);
    expect(r.stdout).toMatch(/Your scenario is 01-littles-law\.yaml/);
    const file = join(cwd, '01-littles-law.yaml');
    // the starter as shipped, its modeline pointing to the installed schema (a relative path would not hold in the student's folder)
    const [modeline, ...rest] = readFileSync(file, 'utf8').split('\n');
    const schemaPath = modeline.replace('# yaml-language-server: $schema=', '');
    expect(existsSync(schemaPath) && isAbsolute(schemaPath)).toBe(true);
    expect(rest.join('\n')).toBe(
      readFileSync(join(COURSE_DIR, '01-littles-law', 'starter.yaml'), 'utf8')
        .split('\n')
        .slice(1)
        .join('\n'),
    );
    writeFileSync(file, 'my work');
    const again = await runCli(['lesson', 'start', 'littles-law'], { cwd });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/already there .*kept/);
    expect(readFileSync(file, 'utf8')).toBe('my work');
    await runCli(['lesson', 'start', '01-littles-law', '--force'], { cwd });
    expect(readFileSync(file, 'utf8')).not.toBe('my work');
    // into another directory
    await runCli(['lesson', 'start', '1', 'work'], { cwd: cwd, env: {} }).then((x) => expect(x.code).toBe(2)); // no such directory
  });

  it('names the lessons and suggests one for an unknown id (exit 2)', async () => {
    const r = await runCli(['lesson', 'check', 'littles']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/lesson littles: expected a lesson: 01-littles-law.*did you mean "01-littles-law"\?/);
    const typo = await runCli(['lesson', 'hint', 'litles-law']);
    expect(typo.stderr).toMatch(/did you mean "01-littles-law"/);
    noStack(typo.stderr);
  });

  it('checks the starter (not yet: exit 1, a line per objective and seed, the first hint), then a fix (exit 0, progress kept)', async () => {
    const cwd = tmp();
    await runCli(['lesson', 'start', '1'], { cwd });
    const r = await runCli(['lesson', 'check', '1'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/MISSED {2}services\.orders\.utilization <= 60% {3}seed 1: 7\d\.\d%/);
    expect(r.stdout.match(/^ {2}(met|MISSED) /gm)).toHaveLength(6);
    expect(r.stdout).toMatch(/Not yet: 6 of 6 checks missed\.\nhint 1 of 3: Utilization is/);
    const hint = await runCli(['lesson', 'hint', '1'], { cwd });
    expect(hint.stdout).toMatch(/^hint 2 of 3:/);
    const file = join(cwd, '01-littles-law.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('cores: 2', 'cores: 3'));
    const ok = await runCli(['lesson', 'check', '1'], { cwd });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/Passed: every objective met on every seed/);
    expect(JSON.parse(readFileSync(join(cwd, '.msim-progress.json'), 'utf8')).lessons['01-littles-law']).toEqual({
      passed: true,
      hintsShown: 2,
    });
  });

  it('prints the contract JSON for an autograder: { lesson, passed, objectives: [{ objective, limit, values, met }], violations }', async () => {
    const cwd = tmp();
    const r = await runCli(['lesson', 'check', '1', join(COURSE_DIR, '01-littles-law', 'solution.yaml'), '--json'], { cwd });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ lesson: '01-littles-law', passed: true, seeds: [1, 2, 3], violations: [] });
    expect(out.objectives[0]).toMatchObject({ objective: 'services.orders.utilization <= 60%', limit: '60%', met: true });
    expect(out.objectives[0].values).toHaveLength(3);
    for (const v of out.objectives[0].values) expect(v).toBeGreaterThan(0.45);
  });

  it('refuses a changed pinned field or a broken constraint, naming the field, the pinned value and the value found; runs nothing', async () => {
    const cwd = tmp();
    const file = join(cwd, 'mine.yaml');
    const starter = readFileSync(join(COURSE_DIR, '01-littles-law', 'starter.yaml'), 'utf8');
    writeFileSync(
      file,
      starter.replace('poisson(150/s)', 'poisson(50/s)').replace('cpu: exp(mean=10ms)', 'cpu: 1ms').replace('cores: 2', 'cores: 4'),
    );
    const r = await runCli(['lesson', 'check', '1', 'mine.yaml'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/refused, not run/);
    expect(r.stdout).toMatch(
      /workloads\.shoppers\.arrivals is pinned by the lesson: expected poisson\(150\/s\) \(the starter's\), found poisson\(50\/s\)/,
    );
    expect(r.stdout).toMatch(
      /services\.orders\.endpoints\.default\.cpu is pinned .*expected exponential\(mean=10ms\).*found constant\(1ms\)/,
    );
    expect(r.stdout).toMatch(/the lesson allows only totals\.cores <= 3, found totals\.cores = 4/);
    const json = JSON.parse((await runCli(['lesson', 'check', '1', 'mine.yaml', '--json'], { cwd })).stdout);
    expect(json.objectives).toEqual([]);
    expect(json.violations.map((v: { kind: string }) => v.kind)).toEqual(['pinned', 'pinned', 'constraint']);
  });

  it('grades on the lesson seeds and length whatever the file says (a shorter run cannot hide a queue)', async () => {
    const cwd = tmp();
    const starter = readFileSync(join(COURSE_DIR, '01-littles-law', 'starter.yaml'), 'utf8');
    writeFileSync(
      join(cwd, 'short.yaml'),
      starter.replace('duration: 120s', 'duration: 1s').replace('seed: 1', 'seed: 99').replace('cores: 2', 'cores: 3'),
    );
    writeFileSync(join(cwd, 'full.yaml'), starter.replace('cores: 2', 'cores: 3'));
    const a = JSON.parse((await runCli(['lesson', 'check', '1', 'short.yaml', '--json'], { cwd })).stdout);
    const b = JSON.parse((await runCli(['lesson', 'check', '1', 'full.yaml', '--json'], { cwd })).stdout);
    expect(a.objectives).toEqual(b.objectives);
  });

  it('a broken file or a missing one: exit 2 with file:line:column, no stack', async () => {
    const cwd = tmp();
    writeFileSync(join(cwd, '01-littles-law.yaml'), 'name: x\nservices:\n  orders: { cores: two }\n');
    const r = await runCli(['lesson', 'check', '1'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: 01-littles-law\.yaml:3:\d+: services\.orders\.cores: expected/m);
    noStack(r.stderr);
    const missing = await runCli(['lesson', 'check', '1'], { cwd: tmp() });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(
      /01-littles-law\.yaml: expected your scenario for lesson 01-littles-law, found no such file; msim lesson start 01-littles-law writes it/,
    );
  });

  it('writes the solution beside the work as <id>.solution.yaml, with a note', async () => {
    const cwd = tmp();
    const r = await runCli(['lesson', 'solution', '1'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Peeking is allowed, but learning is the point/);
    expect(existsSync(join(cwd, '01-littles-law.solution.yaml'))).toBe(true);
  });

  it('runs the scenario off a terminal: the summary, then each objective on the first grading seed', async () => {
    const cwd = tmp();
    await runCli(['lesson', 'start', '1'], { cwd });
    const r = await runCli(['lesson', 'run', '1'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^littles-law: 120s simulated \(10s warm-up\), seed 1/);
    expect(r.stdout).toMatch(
      /Lesson 01-littles-law, seed 1 \(msim lesson check grades seeds 1, 2, 3\):\n {2}MISSED {2}services\.orders\.utilization/,
    );
  });
});

describe('msim lesson validate: a teacher', () => {
  it('passes a good lesson, with the margins and figures it measured', async () => {
    const r = await runCli(['lesson', 'validate', join(COURSE_DIR, '01-littles-law')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^lesson 01-littles-law: ok/);
    expect(r.stdout).toMatch(/met {5}services\.orders\.utilization <= 60%: 49\.\d%, margin 1\d\.\d%/);
  });

  it('shows, for each objective, the value of its worst seed: the one its margin comes from', async () => {
    // the solution's utilization on seeds 1, 2, 3 is 49.36%, 49.18%, 49.53%: the worst (closest to <= 60%) is seed 3
    const r = await runCli(['lesson', 'validate', join(COURSE_DIR, '01-littles-law')]);
    expect(r.stdout).toMatch(/services\.orders\.utilization <= 60%: 49\.5%, margin 17\.5%/);
    // the mean in the system on seeds 1, 2, 3 is 1.718, 1.711, 1.692: the worst (closest to < 2.5) is seed 1
    expect(r.stdout).toMatch(/services\.orders\.inSystem\.mean < 2\.5: 1\.718, margin 31\.3%/);
  });

  it('finds a starter that passes, a solution that fails or is fragile, a changed pin, a figure that is not true', async () => {
    const { lesson } = course({
      'starter.yaml': (t) => t.replace('cores: 2', 'cores: 3'),
      'solution.yaml': (t) => t.replace('poisson(150/s)', 'poisson(151/s)'),
      'README.md': (t) => t.replace('**3.4 requests**', '**3.5 requests**'),
    });
    const r = await runCli(['lesson', 'validate', lesson]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/starter\.yaml already meets every objective/);
    expect(r.stdout).toMatch(/solution\.yaml: workloads\.shoppers\.arrivals is pinned/);
    expect(r.stdout).toMatch(/figures: README\.md does not contain "\*\*3\.4 requests\*\*"/);
    // the starter (3 cores now) measures 50%, not the 75% the text quotes
    expect(r.stdout).toMatch(/figures: "\*\*75%\*\* busy" says services\.orders\.utilization is 0\.75, the starter measures 0\.49/);
    const fragile = course({
      'lesson.yaml': (t) => t.replace('services.orders.inSystem.mean < 2.5', 'services.orders.inSystem.mean < 1.75'),
    });
    const f = await runCli(['lesson', 'validate', fragile.lesson]);
    expect(f.code).toBe(1);
    expect(f.stdout).toMatch(/meets services\.orders\.inSystem\.mean < 1\.75 by only \d\.\d% of the limit on its worst seed: fragile/);
  });

  it('a broken lesson.yaml: every problem with line:column, exit 2', async () => {
    const { lesson } = course({
      'lesson.yaml': (t) =>
        t
          .replace('seeds: [1, 2, 3]', 'seeds: [1, 2]')
          .replace('services.orders.inSystem.mean < 2.5', 'services.orders.inSystem.mean about 2.5'),
    });
    const r = await runCli(['lesson', 'validate', lesson]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/lesson\.yaml:3:\d+: seeds: expected at least 3 items/);
    expect(r.stderr).toMatch(/lesson\.yaml:7:\d+: objectives\[1\]: expected "<path> <op> <limit>"/);
    noStack(r.stderr);
  });

  it("a course of the teacher's own through MSIM_COURSE_DIR", async () => {
    const { dir } = course({ 'lesson.yaml': (t) => t.replace("title: Little's law and utilization", 'title: My own lesson') });
    const r = await runCli(['lesson', 'list', '--json'], { env: { MSIM_COURSE_DIR: dir } });
    expect(JSON.parse(r.stdout)).toEqual([expect.objectContaining({ id: '01-littles-law', title: 'My own lesson' })]);
  });
});
