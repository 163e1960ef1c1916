import { describe, expect, it } from 'vitest';
import { loadScenario } from '../run/api.js';
import { runScenario } from '../run/run.js';
import { dot, graphOf, mermaid } from './graph.js';

const spec = loadScenario({
  text: `name: g
duration: 5s
workloads: [{ name: users, to: front-end, arrivals: poisson(100/s) }]
services:
  front-end: { cpu: exp(mean=1ms), calls: [[a, { to: b, probability: 0.5, retry: { attempts: 3 }, timeout: 50ms }]] }
  a: { cpu: exp(mean=1ms) }
  b: { cpu: exp(mean=1ms) }
`,
  name: 'g.yaml',
});

describe('msim graph', () => {
  it('has a node per workload and service and an edge per caller and callee, with rates by theory and what the call does', () => {
    const g = graphOf(spec);
    expect(g.nodes.map((n) => n.id)).toEqual(['workload users', 'front-end', 'a', 'b']);
    expect(g.edges).toEqual([
      { from: 'workload users', to: 'front-end', label: '100/s' },
      { from: 'front-end', to: 'a', label: '100/s, parallel' },
      { from: 'front-end', to: 'b', label: '50.0/s, p=50%, retry x3, timeout 50.0ms, parallel' },
    ]);
  });

  it('writes Mermaid with safe ids and quoted labels, and DOT with escaped strings', () => {
    const m = mermaid(spec);
    expect(m.split('\n')[0]).toBe('flowchart LR');
    expect(m).toContain('n_front_2d_end["front-end<br/>1 x 1 core, 10% busy"]');
    expect(m).toContain('n_front_2d_end -->|"50.0/s, p=50%, retry x3, timeout 50.0ms, parallel"| n_b');
    const d = dot(spec);
    expect(d).toMatch(/^digraph "g" \{/);
    expect(d).toContain('"front-end" -> "b" [label="50.0/s, p=50%, retry x3, timeout 50.0ms, parallel"];');
    expect(d.trim().endsWith('}')).toBe(true);
  });

  it('adds the measured rates, errors and p99 from a report', () => {
    const report = runScenario(spec);
    const edge = graphOf(spec, report).edges.find((e) => e.to === 'b')!;
    expect(edge.label).toMatch(/measured \d+(\.\d+)?\/s.*at b: err 0\.0%, p99 [\d.]+ms/);
  });

  it('draws no edge to a nameless node for a publish or a saga start', async () => {
    const { loadScenarioFile } = await import('../scenario/load.js');
    for (const file of ['scenarios/event-pipeline.yaml', 'scenarios/order-saga.yaml']) {
      const g = graphOf(loadScenarioFile(file));
      expect(
        g.edges.filter((e) => e.to === '' || e.from === ''),
        file,
      ).toEqual([]);
    }
  });
});
