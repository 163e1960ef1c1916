// The dashboard with sagas: the strip shows those in flight by state and how they ended; the log, the compensated and the stuck.
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { LiveSession } from '../run/live-session.js';
import { loadScenarioFile } from '../scenario/load.js';
import { Dashboard } from './dashboard.js';
import { initialUiState } from './keys.js';
import { theme } from './theme.js';

const strip = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

describe('dashboard with sagas (scenarios/order-saga.yaml)', () => {
  it('shows the saga strip, and logs compensated and stuck sagas', () => {
    const s = new LiveSession(loadScenarioFile('scenarios/order-saga.yaml'), { speed: 10 });
    let wall = 0;
    const logged: string[] = [];
    // 75 simulated seconds: into the partition (60 s to 80 s), where shipping's retries run out
    while (s.latest.simMs < 75_000) {
      s.tick((wall += 100));
      for (const l of s.latest.log) logged.push(l.text);
    }
    const { lastFrame, unmount } = render(
      <Dashboard snapshot={s.latest} ui={initialUiState} theme={theme(false)} width={120} height={40} bucketMs={s.live.bucketMs} />,
    );
    const out = strip(lastFrame() ?? '');
    unmount();
    expect(out).toMatch(/saga +in flight/);
    const row = out.split('\n').find((l) => l.includes('place-order'));
    expect(row).toBeDefined();
    // during the partition sagas wait on shipping past the pivot: committed
    expect(s.latest.sagas[0].inFlight.committed).toBeGreaterThan(10);
    expect(s.latest.sagas[0].ends.completed).toBeGreaterThan(1000);
    expect(
      logged.some((l) => /^saga place-order compensated \(\d+ steps? undone after (payment\.charge|inventory\.reserve) failed\)$/.test(l)),
    ).toBe(true);
    expect(logged.some((l) => /^saga place-order stuck at shipping\.schedule: needs manual repair$/.test(l))).toBe(true);
  });
});
