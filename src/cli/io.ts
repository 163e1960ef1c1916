// The CLI's window on the outside world, passed in so commands can be tested without a process.
import type { Problem } from '../scenario/problems.js';

export interface Writer {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface CliIo {
  stdout: Writer;
  stderr: Writer;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /**
   * Hear Ctrl-C (SIGINT) while a run is going: the first one calls the handlers (the run
   * stops where it is, summarized and written), a second one exits at once. Returns the undo.
   */
  onInterrupt?: (handler: () => void) => () => void;
  /** Reads all of standard input (a scenario given as `-`); absent when there is none to read. */
  readStdin?: () => Promise<Uint8Array>;
  /** The interactive terminal, when both stdin and stdout are TTYs (the dashboard needs it). */
  terminal?: {
    stdout: NodeJS.WriteStream;
    stdin: NodeJS.ReadStream;
    /** Route errors thrown outside any caller (timers, promises) to `onError` until the returned undo is called. */
    trapErrors?: (onError: (err: unknown) => void) => () => void;
  };
}

/** A user's mistake (bad flag, bad scenario): reported without a stack trace, exit code 2. */
export class UsageError extends Error {
  /** `problems`: the same mistakes as data, when they come from the scenario or its flags (for validate --json). */
  constructor(
    readonly lines: readonly string[],
    readonly problems?: readonly Problem[],
  ) {
    super(lines.join('\n'));
    this.name = 'UsageError';
  }
}

export const EXIT_OK = 0;
export const EXIT_INTERNAL = 1;
/** Interrupted with Ctrl-C (128 + SIGINT); what was simulated is still summarized and written. */
export const EXIT_INTERRUPTED = 130;
export const EXIT_USAGE = 2;
/** An SLO objective was missed (msim run, like k6's thresholds), or no value in the plan's range meets the SLO. */
export const EXIT_SLO_MISSED = 3;
/** The run stopped before its end (too many requests in the system, a clock that stood still); the report says why. */
export const EXIT_TRUNCATED = 4;
