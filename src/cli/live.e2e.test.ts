// End to end in a real pseudo-terminal: msim run opens the dashboard, takes keys, quits cleanly.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import xterm from '@xterm/headless';
import pty from 'node-pty';
import { describe, expect, it } from 'vitest';
import { manyServicesYaml } from '../test-support/many-services.js';

const bin = new URL('../../bin/msim.js', import.meta.url).pathname;

/**
 * A terminal (80x24 unless told) running msim, whose screen we can read like a
 * person would. With `after`, a shell runs msim and then prints `after`, as the
 * prompt and the next command would appear.
 */
function terminal(args: string[], opts: { cols?: number; rows?: number; after?: string; cwd?: string } = {}) {
  const cols = opts.cols ?? 80;
  const rows = opts.rows ?? 24;
  const term = new xterm.Terminal({ cols, rows, allowProposedApi: true });
  const env = { ...process.env, TERM: 'xterm-256color', FORCE_COLOR: '1' } as Record<string, string>;
  delete env.CI;
  delete env.NO_COLOR;
  delete env.MSIM_UI_STATS;
  const quote = (a: string) => `'${a.replace(/'/g, "'\\''")}'`;
  const [file, argv] =
    opts.after === undefined
      ? [process.execPath, [bin, ...args]]
      : ['/bin/sh', ['-c', `${[process.execPath, bin, ...args].map(quote).join(' ')}; printf '%s\\n' ${quote(opts.after)}`]];
  const child = pty.spawn(file, argv, { name: 'xterm-256color', cols, rows, cwd: opts.cwd ?? process.cwd(), env });
  child.onData((d) => term.write(d));
  // the last output can arrive after the exit, and xterm parses writes asynchronously: let both settle
  const exited = new Promise<number>((resolve) => child.onExit((e) => setTimeout(() => term.write('', () => resolve(e.exitCode)), 100)));
  const screen = () => {
    const b = term.buffer.active;
    return Array.from({ length: b.length }, (_, i) => b.getLine(i)?.translateToString(true) ?? '').join('\n');
  };
  /** The visible rows only (not the scrollback). */
  const view = () => {
    const b = term.buffer.active;
    return Array.from({ length: rows }, (_, i) => b.getLine(b.viewportY + i)?.translateToString(true) ?? '');
  };
  const waitFor = async (re: RegExp, what: string, ms = 20_000) => {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (re.test(screen())) return screen();
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${what}; the screen shows:\n${screen()}`);
  };
  /** Wait until the dashboard's clock shows at least `seconds` simulated. */
  const waitForSim = async (seconds: number, what: string) => {
    const until = Date.now() + 20_000;
    while (Date.now() < until) {
      const m = /([\d.]+)s \/ [\d.]+s/.exec(screen());
      if (m && Number(m[1]) >= seconds) return screen();
      if (/ERROR|Invalid array length/.test(screen())) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`timed out waiting for ${what} (${seconds}s simulated); the screen shows:\n${screen()}`);
  };
  return {
    press: (keys: string) => child.write(keys),
    screen,
    view,
    waitFor,
    waitForSim,
    exited,
    kill: () => child.kill(),
    isAltScreen: () => term.buffer.active.type === 'alternate',
  };
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

      await t.waitForSim(1, 'a simulated second');
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

  it('a q typed before the first frame quits, and its echo does not garble the summary: it starts its own line', async () => {
    const t = terminal(['run', 'scenarios/mm1.yaml', '--speed', '10x'], { after: '$ next-command' });
    try {
      t.press('q');
      expect(await t.exited).toBe(0);
      await t.waitFor(/\$ next-command/, 'the next command');
      expect(t.screen()).toMatch(/(^|\n)mm1: [\d.]+(s|ms) simulated/);
      expect(t.screen()).not.toMatch(/qmm1:/);
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

  it('a full outage: the chart has a gap, not a crash; after q the summary stays on screen under the next command', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'msim-e2e-')), 'report.json');
    const t = terminal(
      [
        'run',
        'scenarios/mm1.yaml',
        '--duration',
        '20s',
        '--warmup',
        '1s',
        '--speed',
        '10x',
        '--set',
        'faults=[{at: 2s, for: 5s, kill: server}]',
        '--json',
        out,
      ],
      { after: '$ next-command' },
    );
    try {
      await t.waitFor(/fault: kill server begins/, 'the outage');
      await t.waitForSim(4, 'two seconds of outage on the chart');
      expect(t.screen()).toMatch(/end-to-end latency/);
      expect(t.screen()).toMatch(/server\s+0\/1/);
      t.press('q');
      expect(await t.exited).toBe(0);
      expect(t.isAltScreen()).toBe(false);
      await t.waitFor(/\$ next-command/, 'the next command');
      const lines = t.view();
      // the summary, then the next command under it: nothing written over it, no stray lines
      const first = lines.findIndex((l) => /^mm1: [\d.]+s simulated \(1s warm-up\), seed 1$/.test(l));
      const next = lines.indexOf('$ next-command');
      expect(first, lines.join('\n')).toBeGreaterThanOrEqual(0);
      expect(next).toBeGreaterThan(first);
      const summary = lines.slice(first, next).join('\n');
      expect(summary).toMatch(/\n {2}clients +\d+ +\d+ +\d+ +0 /);
      expect(summary).toMatch(/\n2\.0s-7\.0s\s+kill server\s+\d+\s+100\.0%\s+-\n/);
      expect(summary).toMatch(/\nreport written to .*report\.json$/);
      expect(summary).not.toMatch(/dashboard:|drawing included|ERROR/);
      expect(JSON.parse(readFileSync(out, 'utf8')).requests.failed).toBeGreaterThan(0);
    } finally {
      t.kill();
    }
  }, 60_000);

  it('k on the only replica (every request fails: gaps), then two keys in one write (aa: two replicas added)', async () => {
    const t = terminal(['run', 'scenarios/mm1.yaml', '--duration', '60s', '--speed', '10x']);
    try {
      await t.waitFor(/› server +1\/1/, 'the service table');
      t.press('k');
      await t.waitFor(/killed server#0/, 'the kill in the event log');
      const killedAt = Number(/([\d.]+)s \/ 60\.0s/.exec(t.screen())![1]);
      await t.waitForSim(killedAt + 2, 'two seconds without a successful request');
      expect(t.screen()).toMatch(/server +0\/1/);
      t.press('aa');
      await t.waitFor(/added server#2: 2 of 3 replicas up/, 'both replicas added');
      expect(t.screen()).toMatch(/› server +2\/3/);
      t.press('q');
      expect(await t.exited).toBe(0);
      expect(t.screen()).toMatch(/mm1: [\d.]+s simulated \(30s warm-up\), seed 1, 3 interventions/);
    } finally {
      t.kill();
    }
  }, 60_000);

  it('a service slower than a chart bucket (most buckets empty) runs to the end: summary printed, exit 0', async () => {
    const t = terminal([
      'run',
      'scenarios/mm1.yaml',
      '--duration',
      '24s',
      '--warmup',
      '1s',
      '--speed',
      '20x',
      '--set',
      'services.server.cpu=300ms',
      '--set',
      'workloads.clients.arrivals=poisson(2/s)',
    ]);
    try {
      await t.waitFor(/end-to-end latency/, 'the chart');
      expect(await t.exited).toBe(0);
      expect(t.screen()).toMatch(/mm1: 24s simulated \(1s warm-up\), seed 1/);
      expect(t.screen()).not.toMatch(/ERROR|internal error|dashboard failed/);
    } finally {
      t.kill();
    }
  }, 60_000);

  it('15 services with caches at 80x24: every part in place, the table scrolls with four Downs in one read and says what it hides', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'msim-e2e-'));
    const scenario = join(dir, 'many.yaml');
    writeFileSync(scenario, manyServicesYaml(60));
    const t = terminal(['run', scenario, '--speed', '5x']);
    try {
      await t.waitFor(/› gateway[\s\S]*origin catalog\.product/, 'the table and the cache strip');
      await t.waitForSim(2, 'a chart');
      const check = (selected: RegExp) => {
        const lines = t.view();
        expect(lines[0], lines.join('\n')).toMatch(/^msim many-services {2}▶ running/);
        expect(lines[1]).toMatch(/[\d.]+s \/ 60\.0s {2}ok \d+/); // the progress line
        expect(lines[2]).toMatch(/^ {2}service +rep +infl +queue/);
        expect(lines.join('\n')).toMatch(selected);
        expect(lines.join('\n')).toMatch(/\n {2}… (\d+ above, )?\d+ below \(15 services, ↑↓ to scroll\)\n/);
        expect(lines.find((l) => l.startsWith('end-to-end latency'))).toMatch(/ simulated$/); // nothing left over from another line
        expect(lines[22]).toMatch(/^space pause/);
      };
      check(/\n› gateway /);
      t.press('\x1b[B\x1b[B\x1b[B\x1b[B');
      await t.waitFor(/› pricing/, 'the fifth service selected');
      t.press('\x1b[B\x1b[B\x1b[B');
      await t.waitFor(/› fraud-detec… /, 'a long name selected, ending in an ellipsis');
      check(/\n› fraud-detec… +1\/1/);
      expect(t.screen()).toMatch(/\n {2}… \d+ above, \d+ below \(15 services/);
      t.press('q');
      expect(await t.exited).toBe(0);
      expect(t.screen()).toMatch(/many-services: [\d.]+s simulated/);
    } finally {
      t.kill();
    }
  }, 60_000);

  it("msim lesson run: the dashboard shows the lesson's objectives as the run goes; q prints the summary and the grade on its seed", async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'msim-e2e-lesson-'));
    const start = terminal(['lesson', 'start', '1'], { cwd });
    expect(await start.exited).toBe(0);
    const t = terminal(['lesson', 'run', '1'], { cwd });
    try {
      const shown = await t.waitFor(/lesson objectives, this run so far: \d of \d met[\s\S]*(✓|✗) {2}(met|missed)/, 'the objectives strip');
      expect(shown).toMatch(/services\.\w+\.utilization/);
      t.press('q');
      expect(await t.exited).toBe(0);
      expect(t.screen()).toMatch(/Lesson 01-littles-law, seed \d+ \(msim lesson check grades seeds/);
    } finally {
      t.kill();
    }
  }, 60_000);

  for (const [cols, rows] of [
    [80, 24],
    [100, 30],
  ])
    it(`the second edition's views at ${cols}x${rows}: m cycles the sparklines, g the call graph, h the heatmaps; every line whole`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'msim-e2e-'));
      const scenario = join(dir, 'many.yaml');
      writeFileSync(scenario, manyServicesYaml(300)); // q ends it
      const t = terminal(['run', scenario, '--speed', '5x'], { cols, rows });
      try {
        await t.waitFor(/› gateway/, 'the table');
        await t.waitForSim(4, 'some history');
        const whole = () => {
          const lines = t.view();
          for (const l of lines) expect(l.length, lines.join('\n')).toBeLessThanOrEqual(cols);
          expect(lines[0], lines.join('\n')).toMatch(/^msim many-services/);
          expect(lines[rows - 2], lines.join('\n')).toMatch(/^space pause/);
          return lines.join('\n');
        };
        expect(whole()).toMatch(/p50 +p99 p99 \d+s/);
        expect(whole()).toMatch(/\n› gateway .*[▁▂▃▄▅▆▇█]+ *\n/);
        t.press('m');
        await t.waitFor(/p99 req\/s \d+s/, 'the throughput sparklines');
        t.press('mm');
        await t.waitFor(/p99 queue \d+s/, 'the queue sparklines');
        whole();
        t.press('g');
        await t.waitFor(/call graph +rate\/s +err\/retry +p99/, 'the call graph');
        t.press('\x1b[B');
        await t.waitFor(/› ├▶ catalog +\d/, 'the catalog selected in the graph');
        expect(whole()).toMatch(/│ +└▶ catalog-l2 +\d/);
        expect(whole()).toMatch(/… \d+ below \(15 lines, ↑↓ to scroll\)/);
        t.press('h');
        await t.waitFor(/latency distribution: end to end/, 'the end-to-end heatmap');
        t.press('h');
        await t.waitFor(/latency distribution: catalog/, "the selected service's heatmap");
        expect(whole()).toMatch(/\d(us|ms) [┤┼][ ░▒▓█]*[░▒▓█]/);
        t.press('hg');
        await t.waitFor(/\n {2}service +rep[\s\S]*end-to-end latency/, 'the table and the chart again');
        t.press('?');
        await t.waitFor(/g {2}call graph/, 'the help');
        expect(whole()).toMatch(/m {2}sparklines: next metric[\s\S]*h {2}heatmap: e2e, service, off/);
        t.press('q');
        expect(await t.exited).toBe(0);
        expect(t.screen()).toMatch(/many-services: [\d.]+s simulated/);
      } finally {
        t.kill();
      }
    }, 60_000);
});
