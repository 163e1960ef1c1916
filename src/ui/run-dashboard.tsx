// Runs a live session full-screen (alternate screen) until it ends, the user quits or the view fails; returns the report either way.
import { render } from 'ink';
import { Component, type ReactNode } from 'react';
import type { Report } from '../observe/report.js';
import type { LiveSession } from '../run/live-session.js';
import { App } from './app.js';
import { enterAltScreen, leaveAltScreen } from './terminal.js';
import { theme } from './theme.js';

export interface TerminalStreams {
  stdout: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  /** Calls `onError` for errors thrown outside React while the dashboard is up (Ink's timers); returns the undo. */
  trapErrors?: (onError: (err: unknown) => void) => () => void;
}

export interface DashboardOutcome {
  report: Report;
  /** The error that closed the dashboard early (a bug): the report covers the run up to it. */
  error: Error | null;
}

/** An error in one line: its name and message, and where it was thrown (the first frame of its stack). */
export function describeError(err: Error): string {
  const at = /\n\s+at (.+)/.exec(err.stack ?? '')?.[1];
  return `${err.name}: ${err.message.split('\n')[0]}${at ? ` at ${at}` : ''}`;
}

/** Catches an error while rendering or in an effect: nothing more is drawn, and `onError` stops the session. */
class ErrorGuard extends Component<{ onError: (err: unknown) => void; children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  override componentDidCatch(err: unknown) {
    this.props.onError(err);
  }
  override render() {
    return this.state.failed ? null : this.props.children;
  }
}

/**
 * Show the dashboard until the session finishes. Any error in the view (in
 * drawing, a key handler, or Ink itself) stops the session where it is; the
 * terminal is restored (raw mode off, main screen, cursor shown) before this
 * resolves, with the report and the error.
 */
export async function runDashboard(session: LiveSession, streams: TerminalStreams, colors: boolean): Promise<DashboardOutcome> {
  const fail = (err: unknown) => session.abort(err);
  const untrap = streams.trapErrors?.(fail);
  enterAltScreen(streams.stdout);
  let app: ReturnType<typeof render> | undefined;
  try {
    app = render(
      <ErrorGuard onError={fail}>
        <App session={session} theme={theme(colors)} onError={fail} />
      </ErrorGuard>,
      { stdout: streams.stdout, stdin: streams.stdin, exitOnCtrlC: false, patchConsole: false },
    );
    session.start();
    const report = await session.finished;
    return { report, error: session.failure };
  } finally {
    try {
      app?.unmount();
      await app?.waitUntilExit();
    } catch {
      // the error is the session's failure already, or Ink's own on the way out: the terminal comes first
    }
    leaveAltScreen();
    untrap?.();
  }
}
