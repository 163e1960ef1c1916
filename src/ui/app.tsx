// The live app: subscribes to a session's snapshots, sizes itself to the terminal, routes keys through the reducer.
import { useApp, useInput, useStdout } from 'ink';
import { useEffect, useState } from 'react';
import type { LiveSession } from '../run/live-session.js';
import { Dashboard } from './dashboard.js';
import { initialUiState, reduceKey } from './keys.js';
import type { Theme } from './theme.js';

function useTerminalSize(): { width: number; height: number } {
  const { stdout } = useStdout();
  const read = () => ({ width: stdout.columns || 80, height: stdout.rows || 24 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => void stdout.off('resize', onResize);
  }, [stdout]);
  return size;
}

export function App({ session, theme }: { session: LiveSession; theme: Theme }) {
  const [snapshot, setSnapshot] = useState(session.latest);
  const [ui, setUi] = useState(initialUiState);
  const { exit } = useApp();
  const { width, height } = useTerminalSize();

  useEffect(() => session.subscribe(setSnapshot), [session]);
  useEffect(() => {
    void session.finished.then(() => exit());
  }, [session, exit]);

  useInput((input, key) => {
    const names = snapshot.services.map((s) => s.name);
    const result = reduceKey(ui, { input, upArrow: key.upArrow, downArrow: key.downArrow, tab: key.tab, shift: key.shift, return: key.return, escape: key.escape, ctrl: key.ctrl }, names);
    setUi(result.state);
    for (const c of result.commands) session.command(c);
  });

  return <Dashboard snapshot={snapshot} ui={ui} theme={theme} width={width} height={height - 1} bucketMs={session.live.bucketMs} />;
}
