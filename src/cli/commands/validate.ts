// `msim validate <scenario>`: check a scenario (and overrides) without running it.
import type { Command } from 'commander';
import { type ScenarioFlags, overridesFromFlags } from '../flags.js';
import { type CliIo, EXIT_OK } from '../io.js';
import { loadForCli } from '../scenario-input.js';
import { loadWarnings } from '../../analysis/offered-load.js';
import { VALIDATE_HELP } from '../help-text.js';

export function registerValidate(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('validate')
    .description('check a scenario file and report every problem with its line and column')
    .argument('<scenario>', 'scenario file (YAML)')
    .option('--set <path=value>', 'change a scenario field before checking (repeatable)', (v: string, prev: string[]) => [...prev, v], [])
    .option('--json', 'print the validated scenario as JSON')
    .addHelpText('after', VALIDATE_HELP)
    .action((file: string, flags: ScenarioFlags & { json?: boolean }) => {
      const { overrides } = overridesFromFlags(flags);
      const spec = loadForCli(file, io.cwd, overrides);
      if (flags.json) io.stdout.write(`${JSON.stringify(spec, null, 2)}\n`);
      else {
        const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
        const caches = Object.keys(spec.caches).length;
        const parts = [count(Object.keys(spec.services).length, 'service'), count(spec.workloads.length, 'workload'), ...(caches > 0 ? [count(caches, 'cache')] : [])];
        io.stdout.write(`${file}: ok (${spec.name}: ${parts.join(', ')})\n`);
      }
      for (const w of loadWarnings(spec)) io.stderr.write(`warning: ${w}\n`);
      setExit(EXIT_OK);
    });
}
