// `msim run <scenario>`: run a scenario (live dashboard on a terminal, plain otherwise), summarize, write the report.
import type { Command } from 'commander';
import { formatCount, formatMs } from '../../observe/format.js';
import { type Report, reportJson } from '../../observe/report.js';
import { formatSummary } from '../../observe/summary.js';
import { LiveSession, SPEEDS, type Speed, parseSpeed } from '../../run/live-session.js';
import { performance } from 'node:perf_hooks';
import { loadWarnings } from '../../analysis/offered-load.js';
import { type Progress, Run } from '../../run/run.js';
import type { ScenarioSpec } from '../../scenario/spec.js';
import type { World } from '../../model/world.js';
import type { MetricsCollector } from '../../observe/metrics.js';
import { colorsEnabled } from '../../ui/theme.js';
import { type ScenarioFlags, flagsFromLabels, overridesFromFlags } from '../flags.js';
import { type CliIo, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK, EXIT_SLO_MISSED, EXIT_TRUNCATED, UsageError } from '../io.js';
import { checkOutputPath, writeAtomically } from '../output.js';
import { type ReplayInput, readReplay } from '../replay.js';
import { readScenarioInput, refuseEndlessRun } from '../scenario-input.js';
import { runHelp } from '../help-text.js';
import { type ExportFlags, addExportOptions, prepareExports } from '../exports.js';
import { loadDashboard } from '../../ui/load-dashboard.js';

interface RunFlags extends ScenarioFlags, ExportFlags {
  json?: string;
  tui: boolean;
  speed?: string;
  replay?: string;
  force?: boolean;
  maxInSystem?: string;
  sloExit: boolean;
}

/** Without --speed: real time, or faster so that the whole run takes about a minute on screen. */
export function defaultSpeed(durationMs: number): Speed {
  const needed = durationMs / 60_000;
  return SPEEDS.find((s) => s !== 'max' && s >= needed) ?? 'max';
}

export function registerRun(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const command = program
    .command('run')
    .description('run a scenario: a live dashboard on a terminal, a plain summary otherwise')
    .argument('<scenario>', 'scenario file (YAML), or - to read it from standard input')
    .option('--seed <n>', "random seed (overrides the scenario's)")
    .option('--duration <d>', 'simulated time to run, such as 60s or 10m')
    .option('--warmup <d>', 'initial time excluded from the statistics')
    .option('--json <file>', 'write the JSON report to a file, or - for stdout')
    .option('--set <path=value>', 'change a scenario field, such as services.api.replicas=4 (repeatable)', collect, [])
    .option('--speed <speed>', 'dashboard pace in simulated seconds per second: 1x, 10x, ..., max')
    .option('--replay <report>', "reproduce a recorded run: the report's seed, overrides, end time and interventions")
    .option('--force', 'with --replay: replay even if the scenario file changed since the report was made')
    .option('--no-tui', 'plain progress and summary instead of the live dashboard')
    .option('--no-slo-exit', 'exit 0 even when an SLO objective is missed (for demos; the summary and report still say so)')
    .addHelpText('after', runHelp())
    .option(
      '--max-in-system <n>',
      'stop the run (exit 4, report marked truncated) when more requests than this are in the system at once (default: from the memory available)',
    );
  addExportOptions(command).action(async (file: string, flags: RunFlags) => {
    const replay = flags.replay ? readReplay(flags.replay, io.cwd) : undefined;
    if (replay) refuseWithReplay(flags);
    const { overrides, seed: seedFlag } = overridesFromFlags(replay ? { ...flagsFromLabels(replay.overrides), seed: flags.seed } : flags);
    const speed = flags.speed === undefined ? undefined : parseSpeed(flags.speed);
    if (flags.speed !== undefined && speed === undefined)
      throw new UsageError([`--speed ${flags.speed}: expected a pace such as 1x, 10x, 0.5x or max, found "${flags.speed}"`]);
    const jsonPath = flags.json && flags.json !== '-' ? checkOutputPath('--json', flags.json, io.cwd) : undefined;
    const exports = prepareExports(flags, io.cwd);
    const replayOf = replay ? { scenario: replay.scenario, label: `--replay ${flags.replay}` } : undefined;
    const { spec, sha256: scenarioSha256 } = await readScenarioInput(file, io, overrides, replayOf);
    const seed = replaySeed(replay, seedFlag, spec, flags.replay);
    if (replay?.scenarioSha256 && replay.scenarioSha256 !== scenarioSha256 && !flags.force) {
      throw new UsageError([
        `--replay ${flags.replay}: expected the scenario file it was made from (SHA-256 ${replay.scenarioSha256.slice(0, 12)}...), found ${file} with SHA-256 ${scenarioSha256.slice(0, 12)}...: it changed since; --force replays it anyway`,
      ]);
    }
    const maxInSystem = flags.maxInSystem === undefined ? undefined : parseCount('--max-in-system', flags.maxInSystem);
    refuseEndlessRun(spec, file);
    const warnings = loadWarnings(spec);
    for (const w of warnings) io.stderr.write(`warning: ${w}\n`);

    const live = io.terminal !== undefined && flags.tui && !io.env.CI && flags.json !== '-';
    const options = {
      seed,
      replay: replay?.interventions,
      endMs: replay?.endMs,
      maxInSystem,
      source: { scenarioSha256, overrides: overrides.map((o) => o.label) },
      observers: exports.observers,
    };
    let world: World;
    let metrics: MetricsCollector;
    let report: Report;
    let dashboardFailed = false;
    let interrupted = false;
    if (live) {
      // raw mode at once: keys typed while the dashboard loads (a second or more) wait for it, unechoed
      io.terminal!.stdin.setRawMode?.(true);
      const { runDashboard, describeError } = await loadDashboard();
      const board = exports.dashboard();
      const session = new LiveSession(spec, {
        ...options,
        observers: board.observers,
        exporter: board.exportNow,
        speed: speed ?? defaultSpeed(replay?.endMs ?? spec.durationMs),
      });
      for (const w of warnings) session.run.addLog({ atMs: 0, kind: 'refused', text: `warning: ${w}` });
      const outcome = await runDashboard(session, io.terminal!, colorsEnabled(io.env));
      report = outcome.report;
      world = session.run.world;
      metrics = session.run.metrics;
      // a bug in the view stops the run where it is; what was simulated is still summarized and written
      if (outcome.error) {
        dashboardFailed = true;
        io.stderr.write(
          `msim: the dashboard failed (${describeError(outcome.error)}) and stopped the run at ${report.simulatedSeconds}s simulated; the summary and report below cover that much. This is a bug in msim, please report it.\n`,
        );
      }
      // for npm run bench:ui: the dashboard's own speed, drawing included
      if (io.env.MSIM_UI_STATS)
        io.stderr.write(
          `dashboard: ${session.wallSeconds.toFixed(2)}s of wall time; ${formatCount(session.steadyEventsPerSec)} events/s from the second frame on, drawing included\n`,
        );
    } else {
      const plain = await runPlain(spec, options, io);
      report = plain.report;
      world = plain.world;
      metrics = plain.metrics;
      interrupted = plain.interrupted;
    }

    report = exports.finishReport(report);
    // with the report on stdout, everything else goes to stderr
    const human = flags.json === '-' ? io.stderr : io.stdout;
    // after the dashboard, clear the line first: keys typed before it could take the terminal were echoed there
    human.write(`${live ? '\r\x1b[2K' : ''}${formatSummary(report)}`);
    if (flags.json === '-') io.stdout.write(reportJson(report));
    else if (jsonPath) {
      writeAtomically(jsonPath, reportJson(report));
      human.write(`report written to ${flags.json}\n`);
    }
    for (const line of exports.write(report, world, metrics)) human.write(`${line}\n`);
    if (dashboardFailed) {
      setExit(EXIT_INTERNAL); // the outputs are written, but the run did not end as asked: a bug
      return;
    }
    if (interrupted) {
      io.stderr.write(
        `msim: interrupted at ${formatSeconds(report.simulatedMs)} of ${formatSeconds(replay?.endMs ?? spec.durationMs)} simulated; the summary and report cover that much\n`,
      );
      setExit(EXIT_INTERRUPTED);
      return;
    }
    if (report.truncation) {
      io.stderr.write(
        `msim: the run stopped early, at ${formatSeconds(report.truncation.atMs)} of ${formatSeconds(replay?.endMs ?? spec.durationMs)} simulated: ${report.truncation.reason}\n`,
      );
      setExit(EXIT_TRUNCATED);
      return;
    }
    if (report.slo && !report.slo.met && flags.sloExit) {
      const missed = report.slo.objectives
        .filter((o) => !o.met)
        .map((o) => (o.workload === undefined ? o.metric : `${o.workload} ${o.metric}`));
      io.stderr.write(`msim: SLO missed (${missed.join(', ')}): exit ${EXIT_SLO_MISSED}; --no-slo-exit exits 0\n`);
      setExit(EXIT_SLO_MISSED);
      return;
    }
    setExit(EXIT_OK);
  });
}

/** On a terminal the progress line is redrawn in place; elsewhere (a log, CI) a line is printed every few seconds. */
const PROGRESS_TTY_MS = 100;
const PROGRESS_PLAIN_MS = 5000;

/** Events between turns of Node's event loop in a plain run, so that Ctrl-C is heard (about 50 ms of work). */
const YIELD_EVENTS = 100_000;

/**
 * A run without the dashboard, with a progress line, that yields to Node's
 * event loop now and then: a Ctrl-C stops it where it is (the report says so).
 */
export async function runPlain(
  spec: ScenarioSpec,
  options: ConstructorParameters<typeof Run>[1],
  io: CliIo,
): Promise<{ report: Report; interrupted: boolean; world: World; metrics: MetricsCollector }> {
  const tty = Boolean(io.stderr.isTTY) && !io.env.CI;
  const everyMs = tty ? PROGRESS_TTY_MS : PROGRESS_PLAIN_MS;
  const run = new Run(spec, options);
  let lastMs = performance.now();
  let drawn = false;
  run.onCheck = () => {
    const now = performance.now();
    if (now - lastMs < everyMs) return;
    lastMs = now;
    const line = progressLine(spec.name, run.progress());
    if (tty) io.stderr.write(`\r\x1b[2K${line}`);
    else io.stderr.write(`${line}\n`);
    drawn = true;
  };
  let interrupted = false;
  const off = io.onInterrupt?.(() => {
    interrupted = true;
  });
  try {
    while (!run.done) {
      run.advance(Infinity, YIELD_EVENTS);
      if (interrupted) {
        run.interrupt('interrupted (Ctrl-C)');
        break;
      }
      if (!run.done) await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    off?.();
    run.onCheck = null;
  }
  if (tty && drawn) io.stderr.write('\r\x1b[2K');
  return { report: run.report(), interrupted, world: run.world, metrics: run.metrics };
}

/** `checkout: 12.3s / 60s simulated (20%), 1.52M events/s, about 40s left` */
export function progressLine(name: string, p: Progress): string {
  const pct = Math.floor((100 * p.simulatedMs) / p.durationMs);
  const rate = p.wallSeconds > 0 ? p.events / p.wallSeconds : 0;
  const simPerWall = p.wallSeconds > 0 ? p.simulatedMs / p.wallSeconds : 0;
  // simulated ms still to go / simulated ms per wall second = wall seconds left
  const eta = simPerWall > 0 ? ` about ${formatSeconds(((p.durationMs - p.simulatedMs) / simPerWall) * 1000)} left` : '';
  return `${name}: ${formatSeconds(p.simulatedMs)} / ${formatSeconds(p.durationMs)} simulated (${pct}%), ${formatCount(rate)} events/s,${eta}`;
}

/** Simulated or wall time for people: 2.83ms, 12.3s, 4m05s, 2h10m. */
function formatSeconds(ms: number): string {
  const s = ms / 1000;
  if (!Number.isFinite(s)) return '?';
  if (s < 1) return formatMs(ms);
  if (s < 60) return `${Number(s.toFixed(1))}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** A positive whole number from a flag. */
function parseCount(flag: string, text: string): number {
  const n = Number(text.replace(/_/g, ''));
  if (!/^\s*[\d_]+(\.\d+)?(e\d+)?\s*$/i.test(text) || !Number.isSafeInteger(n) || n < 1)
    throw new UsageError([`${flag} ${text}: expected a whole number >= 1, found "${text}"`]);
  return n;
}

/** A replay runs the recorded overrides and ends where the recorded run did: flags that would change that are refused. */
function refuseWithReplay(flags: RunFlags): void {
  const given = [
    flags.duration !== undefined && `--duration ${flags.duration}`,
    flags.warmup !== undefined && `--warmup ${flags.warmup}`,
    ...(flags.set ?? []).map((s) => `--set ${s}`),
  ].filter((x): x is string => Boolean(x));
  if (given.length > 0)
    throw new UsageError(
      given.map(
        (g) =>
          `${g}: expected no --duration, --warmup or --set with --replay (a replay applies the recorded overrides and ends where the recorded run did), found ${g}`,
      ),
    );
}

/** A replay uses the recorded seed; it must be of the same scenario. */
function replaySeed(
  replay: ReplayInput | undefined,
  seedFlag: number | undefined,
  spec: ScenarioSpec,
  file: string | undefined,
): number | undefined {
  if (!replay) return seedFlag;
  const problems: string[] = [];
  if (replay.scenario !== spec.name)
    problems.push(`--replay ${file}: expected a report of scenario "${spec.name}", found one of "${replay.scenario}"`);
  if (seedFlag !== undefined && seedFlag !== replay.seed)
    problems.push(`--seed ${seedFlag}: expected the replayed report's seed (${replay.seed}) or no --seed, found ${seedFlag}`);
  if (problems.length) throw new UsageError(problems);
  return replay.seed;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
