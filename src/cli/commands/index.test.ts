import { Command, Help } from 'commander';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../test-support/cli.js';
import { COMMANDS } from './index.js';

describe('the command table (the top-level help without loading every command)', () => {
  it('says of each command what its module says: the same description and the same help term', async () => {
    const io = { stdout: { write: () => true }, stderr: { write: () => true }, env: {}, cwd: '.' } as never;
    for (const c of COMMANDS) {
      const program = new Command();
      (await c.load())(program, io, () => {});
      const cmd = program.commands.find((x) => x.name() === c.name)!;
      expect(cmd, c.name).toBeDefined();
      expect(c.summary, c.name).toBe(cmd.description());
      expect(c.term, c.name).toBe(new Help().subcommandTerm(cmd));
    }
  });

  it('msim --help lists every command with its term and summary; msim <command> --help shows its own options', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const c of COMMANDS) expect(r.stdout).toContain(`  ${c.term}`);
    const run = await runCli(['run', '--help']);
    expect(run.stdout).toMatch(/--no-slo-exit/);
    const lesson = await runCli(['lesson', '--help']);
    expect(lesson.stdout).toMatch(/run \[options\] <id> \[file\]/); // a subcommand's own terms, not the table's
    const help = await runCli(['help', 'sweep']);
    expect(help.stdout).toMatch(/--vary <path=values>/);
  });
});
