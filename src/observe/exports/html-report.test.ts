import { describe, expect, it } from 'vitest';
import { Run } from '../../run/run.js';
import { htmlStructureProblems, networkReferences } from '../../test-support/html-check.js';
import { htmlReport, niceTicks } from './html-report.js';
import { pageOf, pageSpec as spec } from '../../test-support/html-page.js';

describe('--html: the HTML report', () => {
  const page = pageOf();

  it('is well-formed: every element closed in order, text escaped', () => {
    expect(htmlStructureProblems(page)).toEqual([]);
    expect(page).toContain('shop &lt;&amp;&gt; &quot;quoted&quot;');
    expect(page).not.toContain('shop <&>');
  });

  it('is self-contained: no scripts, no links, no http(s) URL in src or href', () => {
    expect(networkReferences(page)).toEqual([]);
    expect(page).toContain('<style>');
  });

  it('has the sections: summary, latency over time, services over time, services, call graph, faults, interventions', () => {
    for (const id of ['summary', 'latency', 'services-over-time', 'services', 'call-graph', 'faults', 'interventions'])
      expect(page, id).toContain(`<section id="${id}">`);
    // one latency chart per workload with p50, p99 and the SLO line; four service charts
    expect(page).toContain('w: end-to-end latency p50 and p99 per 0.5 s');
    expect(page).toContain('SLO p99 40 ms (all workloads)');
    expect(page.match(/<svg class="chart"/g)).toHaveLength(5);
    // the fault window shaded from 8 s to 12 s, the warm-up shaded, the kill and the intervention marked
    expect(page).toMatch(/<rect class="fault"[^>]*><title>cpu db<\/title>/);
    expect(page).toMatch(/<rect class="warmup"/);
    expect(page.match(/<line class="mark"/g)!.length).toBe(2 * 5);
    expect(page).toContain('<td>add-replica</td>');
    // the call graph: the workload, both services, the edge labelled with its rate
    expect(page).toMatch(/<svg class="graph"[\s\S]*>w<\/text>[\s\S]*>api \(1\/2\)<\/text>[\s\S]*>db \(3\/3\)<\/text>/);
    expect(page).toMatch(/class="edge-label[^"]*"[^>]*>\d[\d.,]*\/s/);
  });

  it('says so when the report has no time series, and still has the tables and the graph', () => {
    const bare = pageOf(false);
    expect(htmlStructureProblems(bare)).toEqual([]);
    expect(bare).toContain('This report has no time series');
    expect(bare).not.toContain('<svg class="chart"');
    expect(bare).toContain('<svg class="graph"');
  });

  it('lists the caches with their hit ratios', () => {
    const run = new Run(spec, { endMs: 3000 });
    const report = run.runToEnd();
    const cache = {
      kind: 'local',
      copies: 2,
      capacity: 100,
      entries: 1000,
      lookups: 200,
      hits: 150,
      misses: 50,
      hitRatio: 0.75,
      evictions: 3,
      expirations: 1,
      coalesced: 0,
      fills: 50,
      writes: 0,
      refreshes: 0,
      errors: 0,
      stampedes: 0,
      maxConcurrentFetches: 1,
    };
    const html = htmlReport({ ...report, caches: { 'product-l1': cache } } as typeof report);
    expect(html).toContain('<section id="caches">');
    expect(html).toMatch(/<td>product-l1<\/td>.*<b>75%<\/b>/);
    expect(htmlStructureProblems(html)).toEqual([]);
  });

  it('is deterministic', () => {
    expect(pageOf()).toBe(page);
  });

  it('picks round ticks', () => {
    expect(niceTicks(10, 5)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(0.93, 4)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(niceTicks(3857, 4)).toEqual([0, 1000, 2000, 3000, 4000]);
  });
});
