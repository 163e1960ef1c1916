// `msim validate <scenario>`: check a scenario (and overrides) without running it.
import type { Command } from 'commander';
import { type ScenarioFlags, overridesFromFlags } from '../flags.js';
import { type CliIo, EXIT_OK } from '../io.js';
import { loadForCli } from '../scenario-input.js';

export function registerValidate(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('validate')
    .description('check a scenario file and report every problem with its line and column')
    .argument('<scenario>', 'scenario file (YAML)')
    .option('--set <path=value>', 'change a scenario field before checking (repeatable)', (v: string, prev: string[]) => [...prev, v], [])
    .option('--json', 'print the validated scenario as JSON')
    .action((file: string, flags: ScenarioFlags & { json?: boolean }) => {
      const { overrides } = overridesFromFlags(flags);
      const spec = loadForCli(file, io.cwd, overrides);
      if (flags.json) io.stdout.write(`${JSON.stringify(spec, null, 2)}\n`);
      else {
        const services = Object.keys(spec.services).length;
        io.stdout.write(`${file}: ok (${spec.name}: ${services} service${services === 1 ? '' : 's'}, ${spec.workloads.length} workload${spec.workloads.length === 1 ? '' : 's'})\n`);
      }
      setExit(EXIT_OK);
    });
}
