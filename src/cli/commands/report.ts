// `msim report <report.json> --html <file>`: a saved JSON report (with its time series, when it has one) as a self-contained HTML page.
import type { Command } from 'commander';
import { htmlReport } from '../../observe/exports/html-report.js';
import type { Report } from '../../observe/report.js';
import { type CliIo, EXIT_OK, UsageError } from '../io.js';
import { checkOutputPath, readJsonInput, writeAtomically } from '../output.js';

interface ReportFlags {
  html?: string;
}

/** A JSON report read back: the parts the page needs must be there. */
function readReport(file: string, cwd: string): Report {
  const r = readJsonInput('', file, cwd, `a JSON report (msim run ... --json ${file})`) as Partial<Report> | null;
  const missing = ['scenario', 'services', 'workloads', 'requests', 'latencyMs', 'measuredSeconds', 'simulatedMs'].filter(
    (k) => r === null || typeof r !== 'object' || !(k in r),
  );
  if (missing.length > 0) throw new UsageError([`${file}: expected a JSON report of msim run, found JSON without ${missing.join(', ')}`]);
  return { ...r, overrides: r!.overrides ?? [], interventions: r!.interventions ?? [] } as Report;
}

export function registerReport(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('report')
    .description('turn a saved JSON report into a self-contained HTML page with charts (its time series: run with --json-timeseries)')
    .argument('<report.json>', 'a JSON report written by msim run --json')
    .option('--html <file>', 'write the HTML page here')
    .addHelpText(
      'after',
      `
Examples:
  msim run scenarios/checkout.yaml --no-tui --json r.json --json-timeseries && msim report r.json --html r.html
  msim run scenarios/checkout.yaml --no-tui --html r.html        the same page, straight from a run

The page needs no network: styles inline, charts in SVG, no scripts. Without a timeseries section in the
report it has the tables and the call graph but no charts over time.
Exit codes: 0 done, 2 a mistake in the input.
`,
    )
    .action((file: string, flags: ReportFlags) => {
      if (flags.html === undefined) throw new UsageError([`msim report ${file}: expected an output such as --html <file>, found none`]);
      const path = checkOutputPath('--html', flags.html, io.cwd);
      const report = readReport(file, io.cwd);
      writeAtomically(path, htmlReport(report));
      io.stdout.write(
        `HTML report written to ${flags.html}${report.timeseries ? '' : ' (no time series in this report: no charts over time; msim run --json-timeseries adds them)'}\n`,
      );
      setExit(EXIT_OK);
    });
}
