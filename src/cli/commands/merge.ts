import type { Command } from 'commander';
import { sweepCsv, sweepJson } from '../../run/sweep-output.js';
import { type SweepResult, mergeShards } from '../../run/sweep.js';
import { type CliIo, EXIT_OK, UsageError } from '../io.js';
import { checkOutputPath, readJsonInput, writeAtomically } from '../output.js';
import { printSweep } from './sweep.js';

function readShard(file: string, cwd: string): SweepResult {
  const data = readJsonInput('', file, cwd, `a shard of a sweep (msim sweep --shard k/n --json ${file})`);
  const d = data as Partial<SweepResult>;
  if (
    d === null ||
    typeof d !== 'object' ||
    !Array.isArray(d.points) ||
    !Array.isArray(d.vary) ||
    !Array.isArray(d.seeds) ||
    typeof d.scenario !== 'string'
  )
    throw new UsageError([`${file}: expected a sweep's JSON (scenario, vary, seeds, points), found other JSON`]);
  return d as SweepResult;
}

export function registerMerge(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('merge')
    .description("combine a sharded sweep's JSON files: the same table, chart, CSV and JSON as the unsharded sweep")
    .argument('<files...>', 'the shards (msim sweep --shard k/n --json file), in any order')
    .option('--csv <file>', 'write the CSV of the whole sweep')
    .option('--json <file>', 'write the JSON of the whole sweep (- for stdout)')
    .action((files: string[], flags: { csv?: string; json?: string }) => {
      const csvPath = flags.csv ? checkOutputPath('--csv', flags.csv, io.cwd) : undefined;
      const jsonPath = flags.json && flags.json !== '-' ? checkOutputPath('--json', flags.json, io.cwd) : undefined;
      const shards = files.map((f) => readShard(f, io.cwd));
      let result: SweepResult;
      try {
        result = mergeShards(shards);
      } catch (err) {
        throw new UsageError([`msim merge ${files.join(' ')}: ${(err as Error).message}`]);
      }
      printSweep(result, io, flags.json === '-');
      if (csvPath) writeAtomically(csvPath, sweepCsv(result));
      if (flags.json === '-') io.stdout.write(sweepJson(result));
      else if (jsonPath) writeAtomically(jsonPath, sweepJson(result));
      setExit(EXIT_OK);
    });
}
