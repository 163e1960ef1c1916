// `msim schema`: print the JSON Schema of the run report (for CI pipelines that check reports), or with --scenario of a scenario file (for editors).
import type { Command } from 'commander';
import { reportJsonSchema } from '../../observe/report.js';
import { scenarioJsonSchemaText } from '../../scenario/json-schema.js';
import { type CliIo, EXIT_OK } from '../io.js';

export function registerSchema(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('schema')
    .description('print the JSON Schema of the JSON report (also in schemas/report.schema.json)')
    .option('--scenario', 'print the JSON Schema of a scenario file instead (schemas/scenario.schema.json, for editors)')
    .action((flags: { scenario?: boolean }) => {
      if (flags.scenario) io.stdout.write(scenarioJsonSchemaText());
      else io.stdout.write(`${JSON.stringify(reportJsonSchema(), null, 2)}\n`);
      setExit(EXIT_OK);
    });
}
