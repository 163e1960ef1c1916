// Fuzz test of the scenario loader: seeded mutations of every shipped scenario through `msim validate` and a short `msim run`.
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../scenario/load.js';
import { type Override, parseSetFlag } from '../scenario/overrides.js';
import type { ScenarioSpec } from '../scenario/spec.js';
import { runCli } from '../test-support/cli.js';
import { mutate, mutateFlags } from '../test-support/mutate.js';
import { Watchdog } from '../test-support/watchdog.js';

/** `npm run test:fuzz` (MSIM_FUZZ=1) soaks: many more cases, other seeds. MSIM_FUZZ_CASES sets the count. */
const SOAK = process.env.MSIM_FUZZ === '1';
const CASES = Number(process.env.MSIM_FUZZ_CASES ?? (SOAK ? 100_000 : 1500));
/** The first case (to go back to one a soak reported). */
const FROM = Number(process.env.MSIM_FUZZ_FROM ?? 0);
/** CPU time one case may take (validate and, when valid, a short run): CPU, so a busy machine does not fail it. */
const CASE_CPU_MS = 2000;
/** Past this much wall time a case is taken for a hang: the watchdog names it and kills the test process. */
const HANG_MS = 60_000;
/** The short run: at most this much simulated time, about this many requests offered, this many in the system at once. */
const RUN_MS = 1000;
const RUN_REQUESTS = 2000;
const RUN_IN_SYSTEM = 10_000;
const HEAP_BYTES = 1.5e9;

const root = new URL('../../', import.meta.url).pathname;
const SOURCES = ['scenarios', 'src/scenario/fixtures'].flatMap((dir) =>
  readdirSync(join(root, dir))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => `${dir}/${f}`),
);

interface Failure {
  seed: string;
  source: string;
  steps: string[];
  problem: string;
  text: string;
}

/** What a user must see when a scenario is refused: `error:` lines (and a count), nothing else. */
function badOutput(code: number, stderr: string): string | undefined {
  if (code !== 0 && code !== 2) return `exit code ${code}`;
  if (code === 0) return undefined;
  if (/internal error/.test(stderr)) return 'an internal error';
  if (/\n\s+at .+:\d+:\d+/.test(stderr)) return 'a stack trace';
  const lines = stderr.replace(/\n$/, '').split('\n');
  if (!lines[0]?.startsWith('error: ')) return `no error line: ${JSON.stringify(stderr.slice(0, 200))}`;
  // error lines; past 50 of them one line counts the rest; then the total
  const odd = lines.find(
    (l, i) =>
      !l.startsWith('error: ') &&
      !(i === lines.length - 1 && /^\d+ problems; nothing was run\.$/.test(l)) &&
      !(i === lines.length - 2 && /^\.\.\. and \d+ more \(msim validate --json lists them all\)$/.test(l)),
  );
  if (odd !== undefined) return `a line that is not an error: ${JSON.stringify(odd.slice(0, 200))}`;
  const long = lines.find((l) => l.length > 500);
  if (long) return `an error line of ${long.length} characters`;
  return undefined;
}

/**
 * The short run's simulated time: a second, or less when the workloads offer more than
 * RUN_REQUESTS requests in it (a rate of 1e12/s must not mean 1e12 events: there is no bound on
 * events a run may take, only on requests in the system, reached only when the system falls behind).
 */
function runDuration(spec: ScenarioSpec): string {
  const ratePerSec = spec.workloads.reduce(
    (sum, w) => sum + (w.arrivals.kind === 'closed' ? 0 : Math.max(w.arrivals.ratePerSec, ...w.schedule.map((p) => p.ratePerSec))),
    0,
  );
  return `${Math.min(RUN_MS, (1000 * RUN_REQUESTS) / ratePerSec)}ms`;
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const watchdog = new Watchdog(HANG_MS);
afterAll(() => watchdog.dispose());

async function fuzz(cases: number, seedPrefix: string) {
  const dir = mkdtempSync(join(tmpdir(), 'msim-fuzz-'));
  const file = join(dir, 'case.yaml');
  const texts = SOURCES.map((f) => readFileSync(join(root, f), 'utf8'));
  const failures: Failure[] = [];
  const ranSpecs = new Set<string>();
  const counts = { refused: 0, valid: 0, ran: 0, truncated: 0, runRefused: 0, sameAsBefore: 0 };
  for (let i = FROM; i < FROM + cases && failures.length < 10; i++) {
    const seed = `${seedPrefix}${i}`;
    const source = SOURCES[i % SOURCES.length];
    const m = mutate(texts[i % SOURCES.length], seed);
    const sets = mutateFlags(m.text, seed);
    m.steps.push(...sets.map((f) => `--set ${f}`));
    const fail = (problem: string) => failures.push({ seed, source, steps: m.steps, problem, text: m.text });
    writeFileSync(file, m.text);
    watchdog.start(`fuzz case ${seed} (${source}; ${m.steps.join('; ')}); its text is in ${file}`);
    const t0 = cpuMs();
    try {
      const r = await runCli(['validate', file, ...sets.flatMap((f) => ['--set', f])]);
      const bad = badOutput(r.code, r.stderr);
      if (bad) fail(`validate: ${bad}\n${r.stderr.slice(0, 2000)}`);
      else if (r.code === 2) counts.refused++;
      else {
        counts.valid++;
        const spec = loadScenarioFile(
          file,
          sets.map((f) => parseSetFlag(f) as Override),
        );
        const key = JSON.stringify(spec);
        if (ranSpecs.has(key)) counts.sameAsBefore++;
        else {
          ranSpecs.add(key);
          // the run may stop early (exit 4, a truncated report) when requests pile up
          // as --set flags after the case's own, which win over --duration and --warmup
          const short = [`duration=${runDuration(spec)}`, 'warmup=0'];
          const run = await runCli([
            'run',
            file,
            ...[...sets, ...short].flatMap((f) => ['--set', f]),
            '--no-tui',
            '--max-in-system',
            String(RUN_IN_SYSTEM),
            '--json',
            '-',
          ]);
          // 3: an SLO missed (the report says so), 4: stopped early
          const sloMissed = run.code === 3 && JSON.parse(run.stdout).slo?.met === false;
          const badRun = run.code === 0 || run.code === 4 || sloMissed ? undefined : badOutput(run.code, run.stderr);
          if (badRun) fail(`run: ${badRun}\n${run.stderr.slice(0, 2000)}`);
          else if (run.code === 2) counts.runRefused++;
          else {
            JSON.parse(run.stdout);
            counts.ran++;
            if (run.code === 4) counts.truncated++;
          }
        }
      }
    } catch (err) {
      fail(`threw ${(err as Error).stack}`);
    }
    watchdog.stop();
    if (SOAK && i % 1000 === 999)
      console.log(`fuzz: ${i + 1} cases, heap ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB: ${JSON.stringify(counts)}`);
    const ms = cpuMs() - t0;
    if (ms > CASE_CPU_MS) fail(`took ${ms.toFixed(0)} ms of CPU (budget ${CASE_CPU_MS})`);
    const heap = process.memoryUsage().heapUsed;
    if (heap > HEAP_BYTES) fail(`heap at ${(heap / 1e6).toFixed(0)} MB after the case`);
  }
  return { failures, counts };
}

const describeFailures = (failures: Failure[]) =>
  failures
    .map((f) => `--- seed ${f.seed} (${f.source}): ${f.steps.join('; ')}\n${f.problem}\n--- text:\n${f.text.slice(0, 3000)}`)
    .join('\n\n');

describe('fuzz: mutated scenarios are accepted or refused with error lines, never a crash, a hang or a stack', () => {
  it(`${CASES} seeded mutations of ${SOURCES.length} scenarios through validate and a short run`, {
    timeout: SOAK ? 24 * 3600_000 : 120_000,
  }, async () => {
    const { failures, counts } = await fuzz(CASES, SOAK ? `soak:${process.env.MSIM_FUZZ_SEED ?? ''}:` : 'fuzz:');
    if (SOAK) console.log(`fuzz: ${CASES} cases: ${JSON.stringify(counts)}`);
    expect(failures.length, describeFailures(failures)).toBe(0);
    // the mutations must leave enough scenarios valid, and different, for the run part to mean something
    // (a long soak runs fewer new ones as it goes: the same valid mutations come back)
    expect(counts.valid).toBeGreaterThan(CASES / 20);
    expect(counts.ran).toBeGreaterThan(Math.min(CASES / 40, 500));
    expect(counts.refused).toBeGreaterThan(CASES / 2);
  });
});
