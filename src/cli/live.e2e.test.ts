// End to end in a real pseudo-terminal: msim run opens the dashboard, takes keys, quits cleanly.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import xterm from '@xterm/headless';
import pty from 'node-pty';
import { describe, expect, it } from 'vitest';

const bin = new URL('../../bin/msim.js', import.meta.url).pathname;

/** A terminal of 80x24 running msim, whose screen we can read like a person would. */
function terminal(args: string[]) {
  const term = new xterm.Terminal({ cols: 80, rows: 24, allowProposedApi: true });
  const env = { ...process.env, TERM: 'xterm-256color', FORCE_COLOR: '1' } as Record<string, string>;
  delete env.CI;
  delete env.NO_COLOR;
  const child = pty.spawn(process.execPath, [bin, ...args], { name: 'xterm-256color', cols: 80, rows: 24, cwd: process.cwd(), env });
  child.onData((d) => term.write(d));
  const exited = new Promise<number>((resolve) => child.onExit((e) => resolve(e.exitCode)));
  const screen = () => {
    const b = term.buffer.active;
    return Array.from({ length: b.length }, (_, i) => b.getLine(i)?.translateToString(true) ?? '').join('\n');
  };
  const waitFor = async (re: RegExp, what: string, ms = 20_000) => {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (re.test(screen())) return screen();
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${what}; the screen shows:\n${screen()}`);
  };
  return { press: (keys: string) => child.write(keys), screen, waitFor, exited, kill: () => child.kill(), isAltScreen: () => term.buffer.active.type === 'alternate' };
}

describe('msim run in a real terminal', () => {
  it('opens the dashboard, pauses with space, adds a replica with a, quits with q: summary printed, report written', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'msim-e2e-')), 'report.json');
    const t = terminal(['run', 'scenarios/checkout.yaml', '--speed', '2x', '--warmup', '0s', '--json', out]);
    try {
      const first = await t.waitFor(/› gateway[\s\S]*payment\s+5\/5/, 'the service table');
      expect(t.isAltScreen()).toBe(true);
      expect(first).toMatch(/^msim checkout {2}▶ running {2}speed 2x {2}seed 42/);
      expect(first).toMatch(/space pause/);

      t.press(' ');
      await t.waitFor(/⏸ paused/, 'the paused state');
      t.press('a');
      const added = await t.waitFor(/added gateway#2: 3 of 3 replicas up/, 'the intervention in the event log');
      expect(added).toMatch(/gateway\s+3\/3/);

      t.press('q');
      expect(await t.exited).toBe(0);
      // the terminal is back on the normal screen, with the summary on it
      expect(t.isAltScreen()).toBe(false);
      const after = t.screen();
      expect(after).toMatch(/checkout: [\d.]+s simulated \(0s warm-up\), seed 42, 1 intervention/);
      expect(after).toMatch(/gateway\s+3 x2/);
      expect(after).toMatch(/report written to /);
      const report = JSON.parse(readFileSync(out, 'utf8'));
      expect(report.interventions).toEqual([{ atMs: expect.any(Number), action: 'add-replica', target: 'gateway' }]);
      expect(report.simulatedSeconds).toBeLessThan(60);
    } finally {
      t.kill();
    }
  }, 60_000);

  it('ctrl-c quits cleanly too', async () => {
    const t = terminal(['run', 'scenarios/mm1.yaml', '--speed', '10x']);
    try {
      await t.waitFor(/› server/, 'the service table');
      t.press('\x03');
      expect(await t.exited).toBe(0);
      expect(t.isAltScreen()).toBe(false);
      expect(t.screen()).toMatch(/mm1: [\d.]+s simulated/);
    } finally {
      t.kill();
    }
  }, 60_000);
});
