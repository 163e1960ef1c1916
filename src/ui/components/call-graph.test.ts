import { describe, expect, it } from 'vitest';
import type { GraphEdge, ServiceRow } from '../../run/snapshot.js';
import { theme, visibleLength } from '../theme.js';
import { edgeHealth, graphLineCount, graphLines, treeLines } from './call-graph.js';

const edge = (from: string, to: string, more: Partial<GraphEdge> = {}): GraphEdge => ({
  from,
  to,
  ratePerSec: 100,
  errorRate: 0,
  retryRatio: 0,
  p99Ms: 12,
  ...more,
});

const row = (name: string): ServiceRow =>
  ({
    name,
    replicasUp: 1,
    replicasTotal: 1,
    cores: 1,
    inFlight: 0,
    queue: 0,
    utilization: 0.1,
    throughputPerSec: 50,
    errorRate: 0,
    p50Ms: 1,
    p99Ms: 5,
    health: 'ok',
    slowed: false,
    injectedErrors: false,
    replicas: [],
    edges: [],
    breakers: [],
  }) as unknown as ServiceRow;

describe('call graph view', () => {
  it('draws a tree from the entry services; a shared callee is shown under each caller but expanded once; a cycle ends', () => {
    const services = ['api', 'a', 'b', 'db', 'worker'];
    const graph = {
      roots: ['api'],
      edges: [edge('api', 'a'), edge('api', 'b'), edge('a', 'db'), edge('b', 'db'), edge('db', 'a')],
    };
    const lines = treeLines(services, graph).map((l) => `${l.prefix}${l.service}${l.seen ? ' ↑' : ''}`);
    expect(lines).toEqual(['api', '├▶ a', '│  └▶ db', '│     └▶ a ↑', '└▶ b', '   └▶ db ↑', 'worker']);
    // every edge once, every service at least once: finite whatever the graph
    expect(treeLines(services, graph).filter((l) => l.edge !== null)).toHaveLength(graph.edges.length);
  });

  it('labels each edge with its rate, error or retry ratio and p99, marks hot edges without colour, and fits the width', () => {
    const rows = ['gateway', 'payment', 'ledger'].map(row);
    const graph = {
      roots: ['gateway'],
      edges: [
        edge('gateway', 'payment', { errorRate: 0.08, ratePerSec: 420 }),
        edge('payment', 'ledger', { retryRatio: 0.06, p99Ms: 240 }),
      ],
    };
    const out = graphLines(rows, graph, 1, theme(false), 80, 10).map((l) => l.replace(/\x1b\[[0-9;]*m/g, '')); // inverse stays without colour
    expect(out[0]).toMatch(/call graph\s+rate\/s\s+err\/retry\s+p99/);
    expect(out[1]).toMatch(/^ {2}gateway\s+50\.0\s+err 0\.0%\s+5\.00ms/); // a root: the service's own figures
    expect(out[2]).toMatch(/^›!├?└?▶ payment\s+420\s+err 8\.0%\s+12\.0ms/);
    expect(out[3]).toMatch(/^ ~ {3}└▶ ledger\s+100\s+retry 6\.0%\s+240ms/);
    expect(edgeHealth(graph.edges[0])).toBe('bad');
    expect(edgeHealth(graph.edges[1])).toBe('warn');
    for (const width of [40, 60, 80, 100, 160])
      for (const l of graphLines(rows, graph, 0, theme(true), width, 10)) expect(visibleLength(l)).toBeLessThanOrEqual(width);
    expect(graphLineCount(rows, graph)).toBe(4);
  });

  it('scrolls with the selection and says how many lines are hidden', () => {
    const names = Array.from({ length: 20 }, (_, i) => `svc${i}`);
    const graph = { roots: ['svc0'], edges: names.slice(1).map((n) => edge('svc0', n)) };
    const out = graphLines(names.map(row), graph, 10, theme(false), 80, 8).map((l) => l.replace(/\x1b\[[0-9;]*m/g, ''));
    expect(out).toHaveLength(8);
    expect(out.join('\n')).toMatch(/›.*svc10/);
    expect(out[7]).toMatch(/… \d+ above, \d+ below \(20 lines, ↑↓ to scroll\)/);
  });
});
