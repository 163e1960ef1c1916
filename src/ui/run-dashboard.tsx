// Runs a live session full-screen (alternate screen) until it ends or the user quits; returns the report.
import { render } from 'ink';
import type { Report } from '../observe/report.js';
import type { LiveSession } from '../run/live-session.js';
import { App } from './app.js';
import { theme } from './theme.js';

export interface TerminalStreams {
  stdout: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
}

export const ENTER_ALT_SCREEN = '\x1b[?1049h\x1b[H';
export const LEAVE_ALT_SCREEN = '\x1b[?1049l';

/** Show the dashboard until the session finishes; the terminal is restored before this resolves. */
export async function runDashboard(session: LiveSession, streams: TerminalStreams, colors: boolean): Promise<Report> {
  streams.stdout.write(ENTER_ALT_SCREEN);
  const app = render(<App session={session} theme={theme(colors)} />, { stdout: streams.stdout, stdin: streams.stdin, exitOnCtrlC: false, patchConsole: false });
  try {
    session.start();
    const report = await session.finished;
    app.unmount();
    await app.waitUntilExit();
    return report;
  } finally {
    app.unmount();
    streams.stdout.write(LEAVE_ALT_SCREEN);
  }
}
