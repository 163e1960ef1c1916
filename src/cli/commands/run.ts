// `msim run <scenario>`: run a scenario, print a summary, write the JSON report.
import type { Command } from 'commander';
import { formatCount } from '../../observe/format.js';
import { reportJson } from '../../observe/report.js';
import { formatSummary } from '../../observe/summary.js';
import { Run } from '../../run/run.js';
import { type ScenarioFlags, overridesFromFlags } from '../flags.js';
import { type CliIo, EXIT_OK } from '../io.js';
import { checkOutputPath, writeAtomically } from '../output.js';
import { loadForCli } from '../scenario-input.js';

interface RunFlags extends ScenarioFlags {
  json?: string;
  tui: boolean;
}

export function registerRun(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('run')
    .description('run a scenario and report latency, throughput and utilization')
    .argument('<scenario>', 'scenario file (YAML)')
    .option('--seed <n>', 'random seed (overrides the scenario\'s)')
    .option('--duration <d>', 'simulated time to run, such as 60s or 10m')
    .option('--warmup <d>', 'initial time excluded from the statistics')
    .option('--json <file>', 'write the JSON report to a file, or - for stdout')
    .option('--set <path=value>', 'change a scenario field, such as services.api.replicas=4 (repeatable)', collect, [])
    .option('--no-tui', 'plain progress and summary instead of the live dashboard')
    .action((file: string, flags: RunFlags) => {
      const { overrides, seed } = overridesFromFlags(flags);
      const jsonPath = flags.json && flags.json !== '-' ? checkOutputPath('--json', flags.json, io.cwd) : undefined;
      const spec = loadForCli(file, io.cwd, overrides);
      // with the report on stdout, everything else goes to stderr
      const human = flags.json === '-' ? io.stderr : io.stdout;
      const showProgress = Boolean(io.stderr.isTTY) && !io.env.CI;
      const run = new Run(spec, { seed });
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
      human.write(formatSummary(report));
      if (flags.json === '-') io.stdout.write(reportJson(report));
      else if (jsonPath) {
        writeAtomically(jsonPath, reportJson(report));
        human.write(`report written to ${flags.json}\n`);
      }
      setExit(EXIT_OK);
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
