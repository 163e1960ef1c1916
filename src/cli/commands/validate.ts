// `msim validate <scenario>`: check a scenario (and overrides) without running it.
import type { Command } from 'commander';
import { type ScenarioFlags, overridesFromFlags } from '../flags.js';
import { problemJson } from '../../scenario/problems.js';
import { type CliIo, EXIT_OK, EXIT_USAGE, UsageError } from '../io.js';
import { STDIN_NAME, loadForCli, refuseEndlessRun } from '../scenario-input.js';
import { loadWarnings } from '../../analysis/offered-load.js';
import { VALIDATE_HELP } from '../help-text.js';
import type { ScenarioSpec } from '../../scenario/spec.js';

export function registerValidate(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('validate')
    .description('check a scenario file and report every problem with its line and column')
    .argument('<scenario>', 'scenario file (YAML), or - to read it from standard input')
    .option('--set <path=value>', 'change a scenario field before checking (repeatable)', (v: string, prev: string[]) => [...prev, v], [])
    .option('--json', 'print the validated scenario as JSON, or its problems as JSON (exit 2)')
    .addHelpText('after', VALIDATE_HELP)
    .action(async (file: string, flags: ScenarioFlags & { json?: boolean }) => {
      let spec: ScenarioSpec;
      try {
        spec = await loadForCli(file, io, overridesFromFlags(flags).overrides);
        refuseEndlessRun(spec, file);
      } catch (err) {
        if (!(flags.json && err instanceof UsageError && err.problems)) throw err;
        io.stdout.write(`${JSON.stringify({ ok: false, problems: err.problems.map(problemJson) }, null, 2)}\n`);
        setExit(EXIT_USAGE);
        return;
      }
      if (flags.json) io.stdout.write(`${JSON.stringify(spec, null, 2)}\n`);
      else {
        const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
        const caches = Object.keys(spec.caches).length;
        const parts = [
          count(Object.keys(spec.services).length, 'service'),
          count(spec.workloads.length, 'workload'),
          ...(caches > 0 ? [count(caches, 'cache')] : []),
        ];
        io.stdout.write(`${file === '-' ? STDIN_NAME : file}: ok (${spec.name}: ${parts.join(', ')})\n`);
      }
      for (const w of loadWarnings(spec)) io.stderr.write(`warning: ${w}\n`);
      setExit(EXIT_OK);
    });
}
