// `msim schema`: print the JSON Schema of the run report (for CI pipelines that check reports).
import type { Command } from 'commander';
import { reportJsonSchema } from '../../observe/report.js';
import { type CliIo, EXIT_OK } from '../io.js';

export function registerSchema(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('schema')
    .description('print the JSON Schema of the JSON report (also in schemas/report.schema.json)')
    .action(() => {
      io.stdout.write(`${JSON.stringify(reportJsonSchema(), null, 2)}\n`);
      setExit(EXIT_OK);
    });
}
