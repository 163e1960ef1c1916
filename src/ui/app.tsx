// The live app: subscribes to a session's snapshots, sizes itself to the terminal, routes keys through the reducer.
import { useApp, useInput, useStdout } from 'ink';
import { useEffect, useRef, useState } from 'react';
import type { LiveSession } from '../run/live-session.js';
import { cacheLineCount } from './components/cache-table.js';
import { Dashboard, layout } from './dashboard.js';
import { initialUiState, keysFromInk, reduceKeys } from './keys.js';
import type { Theme } from './theme.js';

function useTerminalSize(): { width: number; height: number } {
  const { stdout } = useStdout();
  const read = () => ({ width: stdout.columns || 80, height: stdout.rows || 24 });
  const [size, setSize] = useState(read);
  // biome-ignore lint/correctness/useExhaustiveDependencies: read() depends on stdout alone
  useEffect(() => {
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => void stdout.off('resize', onResize);
  }, [stdout]);
  return size;
}

/** `onError`: an error in a key handler (rendering errors go to the error boundary around the app). */
export function App({ session, theme, onError }: { session: LiveSession; theme: Theme; onError?: (err: unknown) => void }) {
  const [snapshot, setSnapshot] = useState(session.latest);
  const [ui, setUi] = useState(initialUiState);
  // Ink calls the input handler once per key of a read, before React renders again: keep the state here
  // so that each key starts from the one before it
  const uiRef = useRef(ui);
  const { exit } = useApp();
  const { width, height } = useTerminalSize();

  useEffect(() => session.subscribe(setSnapshot), [session]);
  useEffect(() => {
    void session.finished.then(() => exit());
  }, [session, exit]);

  useInput((input, key) => {
    try {
      const latest = session.latest;
      const names = latest.services.map((s) => s.name);
      const view = {
        logEntries: latest.log.length,
        logLines: layout(
          height - 1,
          names.length,
          cacheLineCount(latest.caches, latest.origins),
          uiRef.current.help || uiRef.current.details,
        ).log,
      };
      const result = reduceKeys(uiRef.current, keysFromInk(input, key), names, view);
      uiRef.current = result.state;
      setUi(result.state);
      for (const c of result.commands) session.command(c);
    } catch (err) {
      if (!onError) throw err;
      onError(err);
    }
  });

  return <Dashboard snapshot={snapshot} ui={ui} theme={theme} width={width} height={height - 1} bucketMs={session.live.bucketMs} />;
}
