// msim's command line: commander wiring, exit codes, and the only code that touches `process`.
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Help } from 'commander';
import { leaveAltScreen } from '../ui/terminal.js';
import { type CliIo, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, UsageError } from './io.js';
import { MAIN_HELP } from './help-text.js';
import { COMMANDS } from './commands/index.js';
import { oneLine } from '../scenario/one-line.js';

function version(): string {
  try {
    return JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

/** Problems printed at most; the rest are counted. */
const MAX_PROBLEMS_SHOWN = 50;

/** Run the CLI with `argv` (without node and script). Resolves to the exit code; never exits the process. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode = EXIT_OK;
  const program: Command = new Command()
    .name('msim')
    .description('Simulate a whole microservice system in one process: queueing, tail latency, what-ifs.')
    .version(version(), '-v, --version', 'print the version')
    .showHelpAfterError('(run msim --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .addHelpText('after', MAIN_HELP)
    .configureHelp({
      // the table's terms are for the top-level commands only (lesson's subcommands have their own)
      subcommandTerm: (cmd): string =>
        cmd.parent === program ? (COMMANDS.find((c) => c.name === cmd.name())?.term ?? cmd.name()) : new Help().subcommandTerm(cmd),
    });
  // only the command asked for is loaded (its module brings the scenario loader, the model, ...); the others
  // appear by name and summary, enough for the top-level help and for "did you mean" suggestions
  const asked = argv[0] === 'help' ? argv[1] : argv[0];
  for (const c of COMMANDS) {
    if (c.name === asked) (await c.load())(program, io, (code) => (exitCode = code));
    else program.command(c.name).description(c.summary);
  }
  // every command and subcommand (lesson check, ...) reports through io and never exits the process
  const wire = (cmd: Command): void => {
    for (const sub of cmd.commands) {
      sub.exitOverride().configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
      wire(sub);
    }
  };
  wire(program);

  try {
    // -V, as earlier versions had it, still prints the version
    await program.parseAsync(argv.length === 1 && argv[0] === '-V' ? ['--version'] : [...argv], { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version exit 0; usage mistakes exit 2 (commander has already printed the message)
      return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (err instanceof UsageError) {
      // a broken file can have thousands of problems: the first ones (in file order) say what is wrong
      io.stderr.write(
        `${err.lines
          .slice(0, MAX_PROBLEMS_SHOWN)
          .map((l) => `error: ${oneLine(l)}`)
          .join('\n')}\n`,
      );
      const n = err.lines.length;
      if (n > MAX_PROBLEMS_SHOWN) io.stderr.write(`... and ${n - MAX_PROBLEMS_SHOWN} more (msim validate --json lists them all)\n`);
      if (n > 1) io.stderr.write(`${n} problems; nothing was run.\n`);
      return EXIT_USAGE;
    }
    io.stderr.write(`msim: internal error (this is a bug in msim, please report it):\n${(err as Error).stack ?? String(err)}\n`);
    return EXIT_INTERNAL;
  }
}

/** Where uncaught errors go while the dashboard is up (it stops the run and still reports), else null. */
let trapped: ((err: unknown) => void) | null = null;
function trapErrors(onError: (err: unknown) => void): () => void {
  trapped = onError;
  return () => {
    if (trapped === onError) trapped = null;
  };
}

/** All of standard input: a scenario piped in (`msim run - < s.yaml`); a terminal is refused rather than waited on. */
async function readStdin(): Promise<Uint8Array> {
  if (process.stdin.isTTY) {
    const { ScenarioError } = await import('../scenario/problems.js');
    throw new ScenarioError([
      { path: [], expected: 'a scenario piped to standard input (msim run - < scenario.yaml)', found: 'a terminal', where: '-', file: '-' },
    ]);
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Entry point for bin/msim.js. */
export async function runFromProcess(): Promise<void> {
  // React's production build: the development one checks and warns on every render
  process.env.NODE_ENV ??= 'production';
  // a reader that goes away (msim ... | head) is not an error: stop quietly
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(0);
      throw err;
    });
  }
  const terminal = process.stdout.isTTY && process.stdin.isTTY ? { stdout: process.stdout, stdin: process.stdin, trapErrors } : undefined;
  if (terminal) {
    // whatever happens, give the terminal back (main screen, visible cursor) before anything is printed;
    // only if the dashboard has not already: leaving twice moves the cursor back over the summary
    for (const [signal, code] of [
      ['SIGTERM', 143],
      ['SIGHUP', 129],
    ] as const) {
      process.once(signal, () => {
        leaveAltScreen();
        process.exit(code);
      });
    }
    process.once('exit', leaveAltScreen);
    const crash = (err: unknown) => {
      leaveAltScreen();
      process.stderr.write(`msim: internal error (this is a bug in msim, please report it):\n${(err as Error)?.stack ?? String(err)}\n`);
      process.exit(EXIT_INTERNAL);
    };
    process.on('uncaughtException', (err) => (trapped ? trapped(err) : crash(err)));
    process.on('unhandledRejection', (err) => (trapped ? trapped(err) : crash(err)));
  }
  // Ctrl-C: a run in progress stops where it is (summary and report written); a second one, or none in progress, exits
  const interruptHandlers = new Set<() => void>();
  let interrupts = 0;
  process.on('SIGINT', () => {
    if (interruptHandlers.size > 0 && interrupts++ === 0) {
      for (const handler of interruptHandlers) handler();
      return;
    }
    leaveAltScreen();
    process.exit(EXIT_INTERRUPTED);
  });
  const onInterrupt = (handler: () => void) => {
    interruptHandlers.add(handler);
    return () => {
      interruptHandlers.delete(handler);
    };
  };
  const code = await main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    terminal,
    readStdin,
    onInterrupt,
  });
  process.exitCode = code;
  // stdin in raw mode (the dashboard) can keep the process alive; nothing more is read from here on
  if (terminal) process.stdin.pause();
}
