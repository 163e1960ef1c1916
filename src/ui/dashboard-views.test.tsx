import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LiveSession } from '../run/live-session.js';
import { loadScenarioFile, loadScenarioText } from '../scenario/load.js';
import { manyServicesYaml } from '../test-support/many-services.js';
import { dashboardLines } from './dashboard.js';
import { GENERAL_KEYS, type UiState, initialUiState, reduceKey } from './keys.js';
import { theme, visibleLength } from './theme.js';

const strip = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

/** A real seeded run paced by hand: `seconds` simulated at 1x. */
function session(spec: ReturnType<typeof loadScenarioFile>, seconds = 20): LiveSession {
  const s = new LiveSession(spec, { speed: 1 });
  let wall = 0;
  for (let i = 0; i < seconds * 10; i++) s.tick((wall += 100));
  return s;
}

const checkout = session(loadScenarioFile('scenarios/checkout.yaml'));
const many = session(loadScenarioText(manyServicesYaml(), 'many.yaml'));

function screen(s: LiveSession, ui: Partial<UiState>, width = 80, height = 24, colors = false): string[] {
  const lines = dashboardLines({
    snapshot: s.latest,
    ui: { ...initialUiState, ...ui },
    theme: theme(colors),
    width,
    height,
    bucketMs: s.live.bucketMs,
  });
  return colors ? lines : lines.map(strip);
}

describe('dashboard views: sparklines, call graph, latency heatmap', () => {
  it('ends each service row in a sparkline of the metric named in the header; m cycles it', () => {
    const names = checkout.latest.services.map((r) => r.name);
    let ui: UiState = initialUiState;
    for (const label of ['p99', 'req/s', 'util', 'queue', 'err', 'p99']) {
      const lines = screen(checkout, ui);
      expect(lines[2]).toMatch(new RegExp(`p50\\s+p99 ${label.replace('/', '\\/')} 15s\\s*$`));
      for (const name of names) {
        const row = lines.find((l) => new RegExp(`^[› ][ ~!]${name}\\b`).test(l))!;
        expect(row).toMatch(/ [ ▁▂▃▄▅▆▇█]{12}$/);
        expect(row.length).toBeLessThanOrEqual(80);
      }
      ui = reduceKey(ui, { input: 'm' }, names).state;
    }
    // the history is that of the row: a busy service's utilization reads high, an idle one's low
    const util = screen(checkout, { metric: 2 });
    expect(util.find((l) => /payment/.test(l))).toMatch(/[▆▇█]{6}$/);
    expect(util.find((l) => /catalog/.test(l))).toMatch(/[▁▂]{6}$/);
  });

  it('keeps the queue and utilization bars beside the sparklines on a wide terminal', () => {
    const lines = screen(checkout, {}, 160, 40);
    expect(lines.find((l) => /payment/.test(l))).toMatch(/█+[▏▎▍▌▋▊▉]?·*\s+\d+\s+\S+%\s+\S+\s+\S+ [ ▁▂▃▄▅▆▇█]{20,}$/);
  });

  it('g shows the call graph in place of the table: edges with rate, ratio and p99, following the selection', () => {
    const lines = screen(checkout, { graph: true, selected: 5 });
    expect(lines[2]).toMatch(/call graph\s+rate\/s\s+err\/retry\s+p99/);
    const text = lines.join('\n');
    expect(text).toMatch(/ {2}gateway\s+\d+\s+err \d/);
    for (const callee of ['cart', 'inventory', 'pricing'])
      expect(text).toMatch(new RegExp(`[├└]▶ ${callee}\\s+\\d+\\s+(err|retry) [\\d.]+%\\s+[\\d.]+m?s`));
    expect(text).toMatch(/›[ ~!]\s*└▶ payment/); // the selected service, where the gateway calls it
    expect(text).toMatch(/end-to-end latency/);
  });

  it('the 15-service graph at 100x30 and 80x24: each selection in view, every line whole, the rest counted', () => {
    const names = many.latest.services.map((r) => r.name);
    for (const [width, height] of [
      [100, 29],
      [80, 23],
    ])
      for (const selected of [0, 2, 7, 14]) {
        const lines = screen(many, { graph: true, selected }, width, height);
        expect(lines).toHaveLength(height);
        for (const l of lines) expect(l.length, l).toBeLessThanOrEqual(width);
        expect(lines.join('\n')).toMatch(new RegExp(`›.*${names[selected].slice(0, 8)}`));
        expect(lines.join('\n')).toMatch(/… (\d+ above)?(, )?(\d+ below)? \(15 lines, ↑↓ to scroll\)/);
      }
    // the shared cache's nodes are called by the catalog's cache flow: an edge seen in traffic, drawn under it
    expect(screen(many, { graph: true, selected: 1 }, 100, 29).join('\n')).toMatch(/├▶ catalog\s.*\n.*│ {2}└▶ catalog-l2\s+\d/);
  });

  it('h shows the latency heatmap end to end, then of the selected service, then the chart again', () => {
    const names = checkout.latest.services.map((r) => r.name);
    let ui: UiState = { ...initialUiState, selected: 5 };
    ui = reduceKey(ui, { input: 'h' }, names).state;
    let text = screen(checkout, ui).join('\n');
    expect(text).toMatch(/latency distribution: end to end {2}░▒▓█ share at each moment/);
    expect(text).toMatch(/\d(ms|us|s) ┤[ ░▒▓█]*█/);
    ui = reduceKey(ui, { input: 'h' }, names).state;
    text = screen(checkout, ui).join('\n');
    expect(text).toMatch(/latency distribution: payment/);
    ui = reduceKey(ui, { input: 'h' }, names).state;
    expect(screen(checkout, ui).join('\n')).toMatch(/end-to-end latency/);
  });

  it('shows hedging as shapes: tail-at-scale end to end has separate bands (plain fan-out, hedged, fast)', () => {
    const s = session(loadScenarioFile('scenarios/tail-at-scale.yaml'));
    const lines = screen(s, { distribution: 'end-to-end' }, 100, 30);
    const start = lines.findIndex((l) => /latency distribution/.test(l));
    const rows = lines.slice(start + 1).filter((l) => /[┤┼]/.test(l));
    const filled = rows.map((l) => /[░▒▓█]/.test(l.slice(l.search(/[┤┼]/) + 1)));
    const bandsSeen = filled
      .join('')
      .replace(/(true)+/g, 'T')
      .replace(/(false)+/g, '').length;
    expect(bandsSeen).toBeGreaterThanOrEqual(3);
  });

  it('keys: m cycles the five metrics, g toggles the graph, h cycles the heatmap and closes help or details', () => {
    const names = ['a', 'b'];
    const press = (ui: UiState, input: string) => reduceKey(ui, { input }, names);
    let ui: UiState = initialUiState;
    const metrics: number[] = [];
    for (let i = 0; i < 6; i++) metrics.push((ui = press(ui, 'm').state).metric);
    expect(metrics).toEqual([1, 2, 3, 4, 0, 1]);
    expect(press(initialUiState, 'g').state.graph).toBe(true);
    expect(press(press(initialUiState, 'g').state, 'g').state.graph).toBe(false);
    const h1 = press({ ...initialUiState, help: true, details: true }, 'h');
    expect(h1.state).toMatchObject({ distribution: 'end-to-end', help: false, details: false });
    expect(h1.commands).toEqual([]);
    expect(press(h1.state, 'h').state.distribution).toBe('service');
    expect(press(press(h1.state, 'h').state, 'h').state.distribution).toBe(null);
  });

  it('the help lists every new key', () => {
    const help = screen(checkout, { help: true }).join('\n');
    for (const [k] of GENERAL_KEYS) expect(help).toContain(k);
    expect(help).toMatch(/m {2}sparklines: next metric/);
    expect(help).toMatch(/g {2}call graph/);
    expect(help).toMatch(/h {2}heatmap: e2e, service, off/);
    expect(screen(checkout, {}, 100, 30).at(-1)).toMatch(/mgh views$/);
  });

  it('never leaves text of an earlier frame: the frame is exactly the height, any size and view (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 40, max: 160 }),
        fc.integer({ min: 8, max: 60 }),
        fc.integer({ min: 0, max: 14 }),
        fc.integer({ min: 0, max: 4 }),
        fc.boolean(),
        fc.constantFrom(null, 'end-to-end' as const, 'service' as const),
        (width, height, selected, metric, graph, distribution) => {
          const lines = screen(many, { selected, metric, graph, distribution }, width, height, true);
          expect(lines).toHaveLength(height);
          for (const l of lines) expect(visibleLength(l)).toBeLessThanOrEqual(width);
        },
      ),
      { numRuns: 60 },
    );
  });
});
