// Test helper: run the CLI in-process and capture what it prints.
import { main } from '../cli/main.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `stdin`: what standard input holds (`msim run -`); without it, the CLI has no standard input. */
export async function runCli(
  argv: string[],
  options: { tty?: boolean; env?: Record<string, string>; stdin?: string | Uint8Array; cwd?: string } = {},
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (s: string) => (stdout += s), isTTY: options.tty ?? false },
    stderr: { write: (s: string) => (stderr += s), isTTY: options.tty ?? false },
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    readStdin:
      options.stdin === undefined
        ? undefined
        : async () => (typeof options.stdin === 'string' ? Buffer.from(options.stdin) : options.stdin!),
  });
  return { code, stdout, stderr };
}

/** A report without its wall-clock part, for determinism checks. */
export function withoutEngine(json: string): string {
  const r = JSON.parse(json);
  delete r.engine;
  return JSON.stringify(r);
}
