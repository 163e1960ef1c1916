// `msim run <scenario>`: run a scenario (live dashboard on a terminal, plain otherwise), summarize, write the report.
import type { Command } from 'commander';
import { formatCount } from '../../observe/format.js';
import { type Report, reportJson } from '../../observe/report.js';
import { formatSummary } from '../../observe/summary.js';
import { LiveSession, SPEEDS, type Speed, parseSpeed } from '../../run/live-session.js';
import { Run } from '../../run/run.js';
import type { ScenarioSpec } from '../../scenario/spec.js';
import { colorsEnabled } from '../../ui/theme.js';
import { type ScenarioFlags, overridesFromFlags } from '../flags.js';
import { type CliIo, EXIT_OK, UsageError } from '../io.js';
import { checkOutputPath, writeAtomically } from '../output.js';
import { type ReplayInput, readReplay } from '../replay.js';
import { loadForCli } from '../scenario-input.js';

interface RunFlags extends ScenarioFlags {
  json?: string;
  tui: boolean;
  speed?: string;
  replay?: string;
}

/** Without --speed: real time, or faster so that the whole run takes about a minute on screen. */
export function defaultSpeed(durationMs: number): Speed {
  const needed = durationMs / 60_000;
  return SPEEDS.find((s) => s !== 'max' && s >= needed) ?? 'max';
}

export function registerRun(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('run')
    .description('run a scenario: a live dashboard on a terminal, a plain summary otherwise')
    .argument('<scenario>', 'scenario file (YAML), or - to read it from standard input')
    .option('--seed <n>', "random seed (overrides the scenario's)")
    .option('--duration <d>', 'simulated time to run, such as 60s or 10m')
    .option('--warmup <d>', 'initial time excluded from the statistics')
    .option('--json <file>', 'write the JSON report to a file, or - for stdout')
    .option('--set <path=value>', 'change a scenario field, such as services.api.replicas=4 (repeatable)', collect, [])
    .option('--speed <speed>', 'dashboard pace in simulated seconds per second: 1x, 10x, ..., max')
    .option('--replay <report>', "reproduce a recorded run: the report's seed, end time and interventions")
    .option('--no-tui', 'plain progress and summary instead of the live dashboard')
    .action(async (file: string, flags: RunFlags) => {
      const { overrides, seed: seedFlag } = overridesFromFlags(flags);
      const speed = flags.speed === undefined ? undefined : parseSpeed(flags.speed);
      if (flags.speed !== undefined && speed === undefined) throw new UsageError([`--speed ${flags.speed}: expected a pace such as 1x, 10x, 0.5x or max, found "${flags.speed}"`]);
      const jsonPath = flags.json && flags.json !== '-' ? checkOutputPath('--json', flags.json, io.cwd) : undefined;
      const replay = flags.replay ? readReplay(flags.replay, io.cwd) : undefined;
      const spec = await loadForCli(file, io, overrides);
      const seed = replaySeed(replay, seedFlag, spec, flags.replay);

      const live = io.terminal !== undefined && flags.tui && !io.env.CI && flags.json !== '-';
      const options = { seed, replay: replay?.interventions, endMs: replay?.endMs };
      let report: Report;
      if (live) {
        const { runDashboard } = await import('../../ui/run-dashboard.js');
        const session = new LiveSession(spec, { ...options, speed: speed ?? defaultSpeed(replay?.endMs ?? spec.durationMs) });
        report = await runDashboard(session, io.terminal!, colorsEnabled(io.env));
        io.stdout.write(`dashboard: ${session.wallSeconds.toFixed(2)}s of wall time; ${formatCount(session.steadyEventsPerSec)} events/s from the second frame on, drawing included\n`);
      } else {
        report = runPlain(spec, options, io);
      }

      // with the report on stdout, everything else goes to stderr
      const human = flags.json === '-' ? io.stderr : io.stdout;
      human.write(formatSummary(report));
      if (flags.json === '-') io.stdout.write(reportJson(report));
      else if (jsonPath) {
        writeAtomically(jsonPath, reportJson(report));
        human.write(`report written to ${flags.json}\n`);
      }
      setExit(EXIT_OK);
    });
}

function runPlain(spec: ScenarioSpec, options: ConstructorParameters<typeof Run>[1], io: CliIo): Report {
  const showProgress = Boolean(io.stderr.isTTY) && !io.env.CI;
  const run = new Run(spec, options);
  const report = run.runToEnd(
    showProgress
      ? (p) => {
          const pct = Math.floor((100 * p.simulatedMs) / p.durationMs);
          const rate = p.wallSeconds > 0 ? p.events / p.wallSeconds : 0;
          io.stderr.write(`\r\x1b[2K${spec.name}: ${(p.simulatedMs / 1000).toFixed(1)}s / ${p.durationMs / 1000}s simulated (${pct}%), ${formatCount(rate)} events/s`);
        }
      : undefined,
  );
  if (showProgress) io.stderr.write('\r\x1b[2K');
  return report;
}

/** A replay uses the recorded seed; it must be of the same scenario. */
function replaySeed(replay: ReplayInput | undefined, seedFlag: number | undefined, spec: ScenarioSpec, file: string | undefined): number | undefined {
  if (!replay) return seedFlag;
  const problems: string[] = [];
  if (replay.scenario !== spec.name) problems.push(`--replay ${file}: expected a report of scenario "${spec.name}", found one of "${replay.scenario}"`);
  if (seedFlag !== undefined && seedFlag !== replay.seed) problems.push(`--seed ${seedFlag}: expected the replayed report's seed (${replay.seed}) or no --seed, found ${seedFlag}`);
  if (problems.length) throw new UsageError(problems);
  return replay.seed;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
