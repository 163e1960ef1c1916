import fc from 'fast-check';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { LiveSession } from '../run/live-session.js';
import type { Snapshot } from '../run/snapshot.js';
import { loadScenarioFile, loadScenarioText } from '../scenario/load.js';
import { Dashboard, dashboardLines, layout } from './dashboard.js';
import { manyServicesYaml } from '../test-support/many-services.js';
import { type UiState, initialUiState } from './keys.js';
import { colorsEnabled, fitWidth, theme, visibleLength } from './theme.js';

/** A real seeded run, paced by hand: 20 simulated seconds of checkout at 1x, with a what-if. */
function checkoutSession(): LiveSession {
  const s = new LiveSession(loadScenarioFile('scenarios/checkout.yaml'), { speed: 1 });
  let wall = 0;
  for (let i = 0; i < 100; i++) s.tick((wall += 100));
  s.command({ type: 'intervene', intent: 'kill-replica', service: 'payment' });
  for (let i = 0; i < 100; i++) s.tick((wall += 100));
  return s;
}

const session = checkoutSession();
const strip = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

function frame(snapshot: Snapshot, ui: UiState = initialUiState, width = 80, height = 24, colors = false): string {
  const { lastFrame, unmount } = render(
    <Dashboard snapshot={snapshot} ui={ui} theme={theme(colors)} width={width} height={height} bucketMs={session.live.bucketMs} />,
  );
  const out = lastFrame() ?? '';
  unmount();
  return colors ? out : strip(out); // without colour only bold and inverse remain; compare the text
}

describe('dashboard (snapshots from a real seeded run)', () => {
  it('fits 80x24 and shows header, every service, the chart, the log and the keys', () => {
    const out = frame(session.latest);
    const lines = out.split('\n');
    expect(lines.length).toBeLessThanOrEqual(24);
    for (const l of lines) expect(l.length, l).toBeLessThanOrEqual(80);
    expect(lines[0]).toMatch(/^msim checkout {2}▶ running {2}speed 1x {2}seed 42/);
    expect(lines[1]).toMatch(/19\.9s \/ 60\.0s {2}ok \d+ {2}failed \d+ {2}rejected 0/);
    expect(lines[2]).toMatch(/service\s+rep\s+infl\s+queue\s+util\s+req\/s\s+err\s+p50\s+p99/);
    for (const name of ['gateway', 'catalog', 'cart', 'inventory', 'pricing', 'payment'])
      expect(out).toMatch(new RegExp(`\\n[› ][ ~!]${name}\\b`));
    expect(out).toMatch(/›[ ~!]gateway/); // the selection marker
    expect(out).toMatch(/payment\s+4\/5/); // one of five replicas killed
    expect(out).toMatch(/end-to-end latency {2}━ p99 {2}─ p50 {2}╌ SLO p99 300ms/);
    expect(out).toMatch(/[┼┤]/); // the plot's axis
    expect(out).toMatch(/9\.9s {2}killed payment#0 \(\d+ requests? in it failed\)/);
    expect(lines[lines.length - 1]).toMatch(
      /^space pause {2}\+- speed {2}↑↓ select {2}⏎ details {2}arkseblfc what-ifs {2}\? help {2}q quit/,
    );
  });

  it("shows a lesson's objectives under the table at 80x24, met, missed and waiting, with the chart still there", () => {
    const objectives = [
      { objective: 'latencyMs.p99 < 300ms', value: '227ms', met: true },
      { objective: 'services.payment.utilization < 0.7', value: '0.79', met: false },
      { objective: 'requests.rejected == 0', value: '-', met: null },
    ];
    const out = frame({ ...session.latest, objectives });
    const lines = out.split('\n');
    expect(lines.length).toBeLessThanOrEqual(24);
    for (const l of lines) expect(l.length, l).toBeLessThanOrEqual(80);
    expect(out).toMatch(/lesson objectives, this run so far: 1 of 3 met/);
    expect(out).toMatch(/✓ {2}met {5}latencyMs\.p99 < 300ms +227ms/);
    expect(out).toMatch(/✗ {2}missed {2}services\.payment\.utilization < 0\.7 {2}0\.79/);
    expect(out).toMatch(/… {2}waiting requests\.rejected == 0/);
    expect(out).toMatch(/end-to-end latency/);
    for (const name of ['gateway', 'payment']) expect(out).toMatch(new RegExp(`${name}\\b`));
  });

  it('shows the selected service in the details pane: replicas up and down', () => {
    const out = frame(session.latest, { ...initialUiState, selected: 5, details: true });
    expect(out).toMatch(/›[ ~!]payment/);
    expect(out).toMatch(/payment {2}4\/5 replicas up, 1 core each/);
    expect(out).toMatch(/payment#0\s+down/);
    expect(out).toMatch(/payment#1\s+up/);
    expect(out).not.toMatch(/end-to-end latency/);
  });

  it('shows the full help with ?: every key, two a line when the panel is short (80x24)', () => {
    const out = frame(session.latest, { ...initialUiState, help: true });
    expect(out).toMatch(/what-ifs on the selected service: now, in the log and in the report/);
    expect(out).toMatch(/k {2}kill a replica: requests fail/);
    for (const key of ['a', 'r', 'k', 's', 'e', 'b', 'l', 'f']) expect(out).toMatch(new RegExp(` ${key} {2}[a-z0-9]`));
    expect(out).toMatch(/q ctrl-c {2}quit: summary, --json/);
    expect(out).toMatch(/\[ \] {2}older \/ newer log \(pg up\/dn\)/);
    expect(out.slice(out.indexOf('\nkeys\n'))).not.toMatch(/…/); // nothing of the help cut
    for (const l of out.split('\n')) expect(l.length).toBeLessThanOrEqual(80);
    // a tall terminal: one key a line
    expect(frame(session.latest, { ...initialUiState, help: true }, 80, 50)).toMatch(/\n +a {2}add a replica\n +r {2}remove a replica/);
  });

  it('grows with the terminal: wider bars at 120 columns, more log lines at 40 rows', () => {
    const out = frame(session.latest, initialUiState, 120, 40);
    const lines = out.split('\n');
    expect(lines.length).toBeLessThanOrEqual(40);
    expect(Math.max(...lines.map((l) => l.length))).toBeGreaterThan(90);
    expect(layout(40, 6).log).toBeGreaterThan(layout(24, 6).log);
  });

  it('keeps the selected row visible when services do not fit (scrolls)', () => {
    const many = {
      ...session.latest,
      services: Array.from({ length: 30 }, (_, i) => ({ ...session.latest.services[0], name: `svc${i}` })),
    };
    const out = frame(many, { ...initialUiState, selected: 25 });
    expect(out.split('\n').length).toBeLessThanOrEqual(24);
    expect(out).toMatch(/›[ ~!]svc25/);
    expect(out).toMatch(/… 21 above \(30 services, ↑↓ to scroll\)/);
    expect(frame(many, { ...initialUiState, selected: 10 })).toMatch(/… 6 above, 15 below \(30 services, ↑↓ to scroll\)/);
  });

  it('colours rows by health only when colours are on (NO_COLOR, FORCE_COLOR)', () => {
    const coloured = frame(session.latest, initialUiState, 80, 24, true);
    expect(coloured).toMatch(/\x1b\[3[123]m/);
    expect(strip(coloured).split('\n')[0]).toBe(frame(session.latest).split('\n')[0]);
    const { lastFrame, unmount } = render(
      <Dashboard
        snapshot={session.latest}
        ui={initialUiState}
        theme={theme(false)}
        width={80}
        height={24}
        bucketMs={session.live.bucketMs}
      />,
    );
    expect(lastFrame()).not.toMatch(/\x1b\[3\dm/); // no colour codes at all
    unmount();
    expect(colorsEnabled({ NO_COLOR: '1' })).toBe(false);
    expect(colorsEnabled({ NO_COLOR: '' })).toBe(true);
    expect(colorsEnabled({ FORCE_COLOR: '0' })).toBe(false);
    expect(colorsEnabled({ FORCE_COLOR: '1', NO_COLOR: undefined })).toBe(true);
  });

  it('fits coloured lines to a width without breaking escape codes', () => {
    const t = theme(true);
    const line = `${t.bad('abcdef')}${t.good('ghij')}`;
    expect(visibleLength(fitWidth(line, 5))).toBe(5);
    expect(strip(fitWidth(line, 5))).toBe('abcd…');
    expect(fitWidth('short', 10)).toBe('short');
  });
});

describe('dashboard with regions', () => {
  it('groups the selected service replicas by location and shows the hop-class mix', () => {
    const s = new LiveSession(loadScenarioFile('scenarios/multi-region.yaml'), { speed: 1 });
    let wall = 0;
    for (let i = 0; i < 30; i++) s.tick((wall += 100));
    const out = frame(s.latest, { ...initialUiState, selected: 1, details: true }, 100, 30);
    expect(out).toMatch(/›[ ~!]catalog/);
    expect(out).toMatch(/network: \d+% same datacenter, \d+% across datacenters, [\d.]+% across regions/);
    expect(out).toMatch(/us-east\/dc1 2\/2 up\n.*catalog#0/);
    expect(out).toMatch(/ap-southeast\/dc1 1\/1 up\n.*catalog#6/);
  });
});

describe('dashboard with breakers', () => {
  it('shows breaker states in the details pane and transitions in the event log', async () => {
    const { loadScenarioText } = await import('../scenario/load.js');
    const spec = loadScenarioText(
      `name: br\nduration: 60s\nworkloads: [{ name: w, to: a, arrivals: constant(100/s) }]\nservices:\n  a: { cores: 4, cpu: 0.1ms, calls: [{ to: b, breaker: { preset: opossum, scope: service } }] }\n  b: { cpu: 1ms }\n`,
      'br.yaml',
    );
    const s = new LiveSession(spec, { speed: 1 });
    let wall = 0;
    for (let i = 0; i < 20; i++) s.tick((wall += 100));
    s.command({ type: 'intervene', intent: 'kill-replica', service: 'b' });
    for (let i = 0; i < 20; i++) s.tick((wall += 100));
    const out = frame(s.latest, { ...initialUiState, selected: 0, details: true });
    expect(out).toMatch(/breakers a->b open/);
    expect(out).toMatch(/breaker a->b: closed -> open/);
  });
});

describe('dashboard with faults and resilience', () => {
  it('logs faults beginning and ending, and shows the selected service calls that retried or timed out', async () => {
    const { loadScenarioText } = await import('../scenario/load.js');
    const spec = loadScenarioText(
      `name: rf\nduration: 60s\nfaults: [{ at: 1s, for: 1s, latency: b, add: 300ms }]\nworkloads: [{ name: w, to: a, arrivals: constant(100/s) }]\nservices:\n  a: { cores: 4, cpu: 0.1ms, calls: [{ to: b, timeout: 100ms, retry: { attempts: 2, backoff: constant(1ms) } }] }\n  b: { cores: 64, cpu: 1ms }\n`,
      'rf.yaml',
    );
    const s = new LiveSession(spec, { speed: 1 });
    let wall = 0;
    for (let i = 0; i < 30; i++) s.tick((wall += 100));
    const out = frame(s.latest, { ...initialUiState, selected: 0, details: true });
    expect(out).toMatch(/-> b: \d+ calls, \d+ retries, \d+ timeouts/);
    expect(out).toMatch(/1\.0s {2}fault: latency b begins \(for 1s\)/);
    expect(out).toMatch(/2\.0s {2}fault: latency b ends/);
  });
});

describe('dashboard with caches', () => {
  /** cache-stampede at 1x for 40 simulated seconds: two expiry waves of the hot pages. */
  function stampedeSession(file = 'scenarios/cache-stampede.yaml') {
    const s = new LiveSession(loadScenarioFile(file), { speed: 1 });
    let wall = 0;
    for (let i = 0; i < 400; i++) s.tick((wall += 100));
    return s;
  }

  it('shows each cache level with its recent hit ratio, the origin load next to it, and stampedes in the event log (80x24)', () => {
    const s = stampedeSession();
    const out = frame(s.latest);
    const lines = out.split('\n');
    expect(lines.length).toBeLessThanOrEqual(24);
    for (const l of lines) expect(l.length, l).toBeLessThanOrEqual(80);
    expect(out).toMatch(/cache\s+copies\s+hit ratio\s+lookups\/s\s+evict\/s\s+expire\/s\s+stampedes/);
    expect(out).toMatch(/page-cache\s+shared x2\s+[█▉▊▋▌▍▎▏·]+\s+9\d\.\d%\s+\d{4}\s/);
    expect(out).toMatch(/origin web\.page: [\d.]+\/s of \d{4}\/s requests reach it, 9\d% taken off/);
    expect(out).toMatch(/page-cache stampede: pages#0 \+\d+ keys, 1\d\+ misses fetching it at once/);
    const row = s.latest.caches[0];
    expect(row.stampedes).toBeGreaterThanOrEqual(2);
    expect(row.hitRatio!).toBeGreaterThan(0.9);
  });

  it('with single-flight, the log says the stampede was absorbed', async () => {
    const { loadScenarioFile: load } = await import('../scenario/load.js');
    const { parseSetFlag } = await import('../scenario/overrides.js');
    const s = new LiveSession(load('scenarios/cache-stampede.yaml', [parseSetFlag('caches.page-cache.coalesce=true') as never]), {
      speed: 1,
    });
    let wall = 0;
    for (let i = 0; i < 200; i++) s.tick((wall += 100));
    expect(s.latest.log.map((e) => e.text).join('\n')).toMatch(
      /page-cache stampede: pages#0( \+\d+ keys?)?, 10\+ misses waiting on one fetch/,
    );
  });

  it('two levels and a warm-up: local copies per replica, and the table still fits', () => {
    const s = new LiveSession(loadScenarioFile('scenarios/catalog-cache.yaml'), { speed: 1 });
    let wall = 0;
    for (let i = 0; i < 100; i++) s.tick((wall += 100));
    const out = frame(s.latest);
    expect(out.split('\n').length).toBeLessThanOrEqual(24);
    expect(out).toMatch(/product-l1\s+local x4/);
    expect(out).toMatch(/product-l2\s+shared x3/);
    expect(out).toMatch(/origin catalog\.product:/);
    expect(out).toMatch(/end-to-end latency/); // the chart keeps its rows
    // on a tiny terminal the strip gives way to the table and the chart
    expect(layout(16, 3, 4).caches).toBe(0);
    expect(layout(24, 3, 4).caches).toBe(4);
  });
});

describe('dashboard with many services (15, with caches)', () => {
  /** The fixture at 1x for 15 simulated seconds, with the only cart replica killed at 10 s. */
  function manySession(): LiveSession {
    const s = new LiveSession(loadScenarioText(manyServicesYaml(), 'many.yaml'), { speed: 1 });
    let wall = 0;
    for (let i = 0; i < 100; i++) s.tick((wall += 100));
    s.command({ type: 'intervene', intent: 'kill-replica', service: 'cart' });
    for (let i = 0; i < 50; i++) s.tick((wall += 100));
    return s;
  }
  const many = manySession();
  const names = many.latest.services.map((r) => r.name);

  for (const [width, height] of [
    [80, 24],
    [100, 30],
  ]) {
    it(`at ${width}x${height}: every part in its place, the table scrolls with the selection and says how many rows are hidden`, () => {
      expect(names).toHaveLength(15);
      for (const selected of [0, 7, 14]) {
        const out = frame(many.latest, { ...initialUiState, selected }, width, height - 1);
        const lines = out.split('\n');
        expect(lines).toHaveLength(height - 1);
        for (const l of lines) expect(l.length, l).toBeLessThanOrEqual(width);
        expect(lines[0]).toMatch(/^msim many-services {2}▶ running/);
        expect(lines[1]).toMatch(/1\d\.\ds \/ 60\.0s {2}ok \d+ {2}failed \d+/); // the progress line
        expect(lines[2]).toMatch(/^ {2}service\s+rep/);
        expect(out).toMatch(new RegExp(`\\n›[ ~!]${names[selected].slice(0, 8)}`));
        const shown = lines.filter((l) => /^[› ][ ~!]\S+\s+\d+\/\d+\s+\d+\s+\d+ /.test(l)).length;
        const hidden = /… (?:(\d+) above)?(?:, )?(?:(\d+) below)? \(15 services, ↑↓ to scroll\)/.exec(out);
        expect(hidden, out).not.toBeNull();
        expect(shown + Number(hidden![1] ?? 0) + Number(hidden![2] ?? 0)).toBe(15);
        expect(shown).toBeGreaterThanOrEqual(height >= 30 ? 9 : 5);
        expect(out).toMatch(/catalog-l1\s+local x2/);
        expect(out).toMatch(/end-to-end latency/);
        expect(out).toMatch(/killed cart#0/);
        expect(lines[lines.length - 1]).toMatch(/^space pause/);
      }
    });
  }

  it('ends names longer than the column in an ellipsis', () => {
    const out = frame(many.latest, { ...initialUiState, selected: 2 }, 80, 23);
    expect(out).toMatch(/›[ ~!]product-rec… {3}1\/1/);
    expect(frame(many.latest, { ...initialUiState, selected: 7 }, 80, 23)).toMatch(/›[ ~!]fraud-detec… {3}1\/1/);
  });

  it('never leaves text of an earlier frame: the frame is exactly the height, at any size and selection (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 40, max: 160 }),
        fc.integer({ min: 8, max: 60 }),
        fc.integer({ min: 0, max: 14 }),
        fc.boolean(),
        fc.boolean(),
        (width, height, selected, help, details) => {
          const lines = dashboardLines({
            snapshot: many.latest,
            ui: { ...initialUiState, selected, help, details },
            theme: theme(true),
            width,
            height,
            bucketMs: many.live.bucketMs,
          });
          expect(lines).toHaveLength(height);
          for (const l of lines) expect(visibleLength(l)).toBeLessThanOrEqual(width);
          expect(strip(lines.join('\n'))).toMatch(new RegExp(`›[ ~!]${names[selected].slice(0, 6)}`));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('layout: the parts add up to the height', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 200 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 0, max: 12 }),
        fc.boolean(),
        (height, services, caches, focus) => {
          const l = layout(height, services, caches, focus);
          expect(l.header + l.table + l.caches + l.panel + l.log + l.help).toBe(height);
          for (const v of Object.values(l)) expect(v).toBeGreaterThanOrEqual(0);
          expect(l.caches === 0 || l.caches === caches).toBe(true);
          expect(l.table).toBeLessThanOrEqual(services + 1);
        },
      ),
    );
  });
});

describe('event log scrolling', () => {
  it('shows older entries when scrolled back, and says how many are hidden either side', () => {
    const log = Array.from({ length: 12 }, (_, i) => ({ atMs: i * 1000, kind: 'info' as const, text: `event ${i}` }));
    const snapshot = { ...session.latest, log };
    const newest = frame(snapshot).split('\n');
    expect(newest.slice(-4, -1).map((l) => l.trim())).toEqual(
      ['9.0s  event 9                                                ↑ 9 older [', '10.0s  event 10', '11.0s  event 11']
        .map((l) => l.replace(/ +/g, ' '))
        .map((l) =>
          expect.stringMatching(
            new RegExp(
              `^${l
                .split(' ')
                .map((w) => w.replace(/[[\]().]/g, '\\$&'))
                .join('\\s+')}$`,
            ),
          ),
        ),
    );
    const back = frame(snapshot, { ...initialUiState, logEnd: 5 })
      .split('\n')
      .slice(-4, -1);
    expect(back[0]).toMatch(/^ +2\.0s {2}event 2\s+↑ 2 older \[$/);
    expect(back[2]).toMatch(/^ +4\.0s {2}event 4\s+↓ 7 newer \]$/);
  });
});
