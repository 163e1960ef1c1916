import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { LiveSession } from '../run/live-session.js';
import { loadScenarioFile } from '../scenario/load.js';
import { App } from './app.js';
import { theme } from './theme.js';

const strip = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');
const settle = () => new Promise((r) => setTimeout(r, 20));

/** The app over a real session (not started: nothing advances unless a test ticks it). */
function mount(file = 'scenarios/checkout.yaml') {
  const session = new LiveSession(loadScenarioFile(file), { speed: 1 });
  const app = render(<App session={session} theme={theme(false)} />);
  return { session, ...app, frame: () => strip(app.lastFrame() ?? '') };
}

let unmount: (() => void) | undefined;
afterEach(() => unmount?.());

describe('the app reads every key of a chunk (Ink passes a chunk of text as one input)', () => {
  it('aa adds two replicas, ++ goes two speeds up', async () => {
    const m = mount();
    unmount = m.unmount;
    m.stdin.write('aa');
    await settle();
    expect(m.session.latest.services[0]).toMatchObject({ name: 'gateway', replicasTotal: 4 });
    m.stdin.write('++');
    await settle();
    expect(m.session.speed).toBe(5);
  });

  it('four Downs in one read select the fifth service', async () => {
    const m = mount();
    unmount = m.unmount;
    m.stdin.write('\x1b[B\x1b[B\x1b[B\x1b[B');
    await settle();
    expect(m.frame()).toMatch(/› pricing/);
    m.stdin.write('\x1b[A\x1b[A');
    await settle();
    expect(m.frame()).toMatch(/› cart/);
  });
});
