// The call graph as a picture: services, workloads and calls with their rates, as Mermaid or Graphviz DOT text.
import { formatCount, formatMs, formatPercent } from '../observe/format.js';
import type { Report } from '../observe/report.js';
import type { ScenarioSpec } from '../scenario/spec.js';
import { explain } from './explain.js';

export type GraphFormat = 'mermaid' | 'dot';
export const GRAPH_FORMATS: readonly GraphFormat[] = ['mermaid', 'dot'];

interface Node {
  readonly id: string;
  readonly label: string;
  readonly kind: 'workload' | 'service';
}

interface Edge {
  readonly from: string;
  readonly to: string;
  readonly label: string;
}

/** Service-level edges with their rates by theory (and, with a report, what was measured). */
export function graphOf(spec: ScenarioSpec, report: Report | null = null): { nodes: Node[]; edges: Edge[] } {
  const e = explain(spec);
  const nodes: Node[] = [];
  const edges: Edge[] = [];
  const measured = report === null ? null : report.measuredSeconds > 0 ? report.measuredSeconds : null;
  for (const w of spec.workloads) {
    nodes.push({ id: `workload ${w.name}`, label: w.name, kind: 'workload' });
    const rate = e.workloads[w.name]?.ratePerSec;
    const parts = [rate === null || rate === undefined ? 'closed loop' : `${formatCount(rate)}/s`];
    if (report && measured) {
      const m = report.workloads[w.name];
      if (m)
        parts.push(
          `measured ${formatCount(m.requests.started / measured)}/s, p99 ${m.latencyMs.p99 === null ? '-' : formatMs(m.latencyMs.p99)}`,
        );
    }
    if (w.mix === null) edges.push({ from: `workload ${w.name}`, to: w.service, label: parts.join(', ') });
    // a request mix: one edge per entry, with its share
    else
      for (const m of w.mix)
        edges.push({
          from: `workload ${w.name}`,
          to: m.service,
          label: [`${m.endpoint} ${formatPercent(m.weight, 0)}`, ...parts].join(', '),
        });
  }
  for (const [name, s] of Object.entries(spec.services)) {
    const cores = s.replicas * s.cores;
    nodes.push({
      id: name,
      label: `${name}\n${s.replicas} x ${s.cores} core${s.cores === 1 ? '' : 's'}${cores > 0 ? `, ${formatPercent(e.services[name].utilization, 0)} busy` : ''}`,
      kind: 'service',
    });
  }
  // calls: one edge per caller and callee service, the rates of their endpoints' calls summed
  const byPair = new Map<string, { from: string; to: string; perSec: number; notes: Set<string> }>();
  for (const [caller, svc] of Object.entries(spec.services))
    for (const ep of Object.values(svc.endpoints))
      for (const step of ep.steps)
        for (const call of step) {
          if (call.publish !== null || call.saga !== null) continue; // no service is called (messaging and sagas are not drawn yet)
          const key = `${caller}->${call.service}`;
          const pair = byPair.get(key) ?? { from: caller, to: call.service, perSec: 0, notes: new Set<string>() };
          if (call.probability < 1) pair.notes.add(`p=${formatPercent(call.probability, 0)}`);
          if (call.fanout !== null) {
            pair.notes.add(call.fanout.each ? 'each replica' : `x${call.fanout.count}`);
            const w = call.fanout.wait;
            if (w !== null)
              pair.notes.add(w.kind === 'first' ? `first ${w.first}` : `${formatPercent(w.fraction, 0)} within ${formatMs(w.withinMs)}`);
          }
          if (call.retry) pair.notes.add(`retry x${call.retry.attempts}`);
          if (call.timeoutMs !== null) pair.notes.add(`timeout ${formatMs(call.timeoutMs)}`);
          if (call.breaker) pair.notes.add('breaker');
          if (call.hedge) pair.notes.add('hedge');
          if (step.length > 1) pair.notes.add('parallel');
          byPair.set(key, pair);
        }
  // shared caches are services of their own: the endpoints that look up in them
  for (const [caller, svc] of Object.entries(spec.services))
    for (const ep of Object.values(svc.endpoints))
      for (const name of ep.cache) {
        if (spec.caches[name]?.kind !== 'shared' || !(name in spec.services)) continue;
        const key = `${caller}->${name}`;
        const pair = byPair.get(key) ?? { from: caller, to: name, perSec: 0, notes: new Set<string>() };
        pair.notes.add('cache lookups');
        byPair.set(key, pair);
      }
  for (const [cache, perSec] of Object.entries(e.endpointsPerSec)) {
    const [service, endpoint] = cache.split('.');
    if (spec.caches[service]?.kind !== 'shared' || endpoint !== 'get') continue;
    const callers = [...byPair.values()].filter((p) => p.to === service);
    if (callers.length === 1) callers[0].perSec += perSec;
  }
  for (const ed of e.edges) {
    const [from, to] = ed.edge.split('->').map((x) => x.split('.')[0]);
    const pair = byPair.get(`${from}->${to}`);
    if (pair) pair.perSec += ed.callsPerSec;
  }
  for (const [key, p] of byPair) {
    const parts = [`${formatCount(p.perSec)}/s`, ...p.notes];
    if (report && measured) {
      const m = report.edges[key];
      const callee = report.services[p.to];
      if (m) parts.push(`measured ${formatCount(m.calls / measured)}/s${m.retries > 0 ? `, ${formatCount(m.retries)} retries` : ''}`);
      if (callee) {
        const ended = callee.requests.completed + callee.requests.failed + callee.requests.rejected;
        const err = ended > 0 ? (callee.requests.failed + callee.requests.rejected) / ended : 0;
        parts.push(`at ${p.to}: err ${formatPercent(err, 1)}, p99 ${callee.latencyMs.p99 === null ? '-' : formatMs(callee.latencyMs.p99)}`);
      }
    }
    edges.push({ from: p.from, to: p.to, label: parts.join(', ') });
  }
  return { nodes, edges };
}

const mermaidId = (id: string) => `n_${id.replace(/[^A-Za-z0-9_]/g, (c) => `_${c.charCodeAt(0).toString(16)}_`)}`;
const mermaidText = (s: string) => s.replace(/"/g, '#quot;').replace(/\n/g, '<br/>');

/** Mermaid flowchart text (paste into a Markdown code block marked mermaid). */
export function mermaid(spec: ScenarioSpec, report: Report | null = null): string {
  const { nodes, edges } = graphOf(spec, report);
  const lines = ['flowchart LR'];
  for (const n of nodes)
    lines.push(
      n.kind === 'workload' ? `  ${mermaidId(n.id)}(["${mermaidText(n.label)}"])` : `  ${mermaidId(n.id)}["${mermaidText(n.label)}"]`,
    );
  for (const e of edges) lines.push(`  ${mermaidId(e.from)} -->|"${mermaidText(e.label)}"| ${mermaidId(e.to)}`);
  return `${lines.join('\n')}\n`;
}

const dotText = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;

/** Graphviz DOT text (`msim graph s.yaml --format dot | dot -Tsvg > graph.svg`). */
export function dot(spec: ScenarioSpec, report: Report | null = null): string {
  const { nodes, edges } = graphOf(spec, report);
  const lines = [
    `digraph ${dotText(spec.name)} {`,
    '  rankdir=LR;',
    '  node [fontname="Helvetica"]; edge [fontname="Helvetica", fontsize=10];',
  ];
  for (const n of nodes)
    lines.push(
      `  ${dotText(n.id)} [label=${dotText(n.label)}, shape=${n.kind === 'workload' ? 'oval, style=dashed' : 'box, style=rounded'}];`,
    );
  for (const e of edges) lines.push(`  ${dotText(e.from)} -> ${dotText(e.to)} [label=${dotText(e.label)}];`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
