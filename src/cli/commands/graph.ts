// `msim graph <scenario>`: the call graph as Mermaid or Graphviz DOT, with rates by theory and, from a report, as measured.
import type { Command } from 'commander';
import { GRAPH_FORMATS, type GraphFormat, dot, mermaid } from '../../analysis/graph.js';
import type { Report } from '../../observe/report.js';
import { type ScenarioFlags, overridesFromFlags } from '../flags.js';
import { type CliIo, EXIT_OK, UsageError } from '../io.js';
import { loadForCli } from '../scenario-input.js';
import { readJsonInput } from '../output.js';

interface GraphFlags extends ScenarioFlags {
  format: string;
  report?: string;
}

function readReport(file: string, cwd: string): Report {
  const r = readJsonInput('--report', file, cwd, `a JSON report (msim run ... --json ${file})`) as Partial<Report>;
  if (
    r === null ||
    typeof r !== 'object' ||
    typeof r.services !== 'object' ||
    typeof r.edges !== 'object' ||
    typeof r.measuredSeconds !== 'number'
  )
    throw new UsageError([`--report ${file}: expected a JSON report of msim run (services, edges, measuredSeconds), found other JSON`]);
  return r as Report;
}

export function registerGraph(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('graph')
    .description('print the call graph as Mermaid or Graphviz DOT, with rates and probabilities (measured ones from a report)')
    .argument('<scenario>', 'scenario file (YAML), or - to read it from standard input')
    .option('--format <format>', `${GRAPH_FORMATS.join(' or ')}`, 'mermaid')
    .option('--report <report.json>', "a run's JSON report: measured rates, retries, errors and p99 on the edges")
    .option('--set <path=value>', 'change a scenario field first (repeatable)', (v: string, prev: string[]) => [...prev, v], [])
    .addHelpText(
      'after',
      `
Examples:
  msim graph scenarios/checkout.yaml                          Mermaid (paste into a \`\`\`mermaid block)
  msim graph scenarios/checkout.yaml --format dot | dot -Tsvg > checkout.svg
  msim run scenarios/checkout.yaml --no-tui --json r.json && msim graph scenarios/checkout.yaml --report r.json

Rates are the workloads' peak rates through the call graph by theory (as msim explain computes them).
Exit codes: 0 done, 2 a mistake in the input.
`,
    )
    .action(async (file: string, flags: GraphFlags) => {
      if (!GRAPH_FORMATS.includes(flags.format as GraphFormat))
        throw new UsageError([`--format ${flags.format}: expected ${GRAPH_FORMATS.join(' or ')}, found ${JSON.stringify(flags.format)}`]);
      const report = flags.report === undefined ? null : readReport(flags.report, io.cwd);
      const spec = await loadForCli(file, io, overridesFromFlags(flags).overrides);
      io.stdout.write(flags.format === 'dot' ? dot(spec, report) : mermaid(spec, report));
      setExit(EXIT_OK);
    });
}
