// A run's report as one self-contained HTML page: summary tables, charts over time and the call graph in hand-written SVG, inline CSS, no scripts.
import type { Report } from '../report.js';
import type { Timeseries } from './timeseries.js';

/*
 * Hand-written SVG rather than a charting library: the charts are line charts
 * with shaded bands and a call graph, about 200 lines here, where a bundled
 * library (Chart.js, uPlot, ECharts) adds 50-1000 KB of script to every file,
 * needs a canvas and a script to draw (no picture without JavaScript, none in
 * a text diff), and a dependency. SVG is drawn by any browser as it loads,
 * prints, and scales.
 */

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22'];
const color = (i: number): string => PALETTE[i % PALETTE.length];

/** A figure for a table cell: at most 3 decimals, thousands grouped; a dash for none. */
function fmt(v: number | null | undefined, digits = 3): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  const abs = Math.abs(v);
  const d = abs >= 100 ? 0 : abs >= 10 ? 1 : digits;
  return v.toLocaleString('en-US', { maximumFractionDigits: d });
}
/** A rate: one decimal below 100. */
const rate = (v: number): string => fmt(v, 1);
const pct = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? '–' : `${fmt(v * 100, 1)}%`);
const ms = (v: number | null | undefined): string => (v === null || v === undefined ? '–' : `${fmt(v)} ms`);

function table(head: string[], rows: string[][], numeric = true): string {
  const th = head.map((h, i) => `<th${i > 0 && numeric ? ' class="n"' : ''}>${esc(h)}</th>`).join('');
  const trs = rows.map((r) => `<tr>${r.map((c, i) => `<td${i > 0 && numeric ? ' class="n"' : ''}>${c}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${trs}\n</tbody></table>`;
}

/** Round tick steps: 1, 2, 2.5, 5 x 10^k, about `n` of them up to `max`. */
export function niceTicks(max: number, n = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let t = 0; t < max + step * 0.999; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

interface Line {
  name: string;
  ys: readonly (number | null)[];
  color: string;
  width?: number;
}
interface Band {
  fromS: number;
  toS: number;
  label: string;
  kind: 'fault' | 'warmup';
}
interface ChartOptions {
  title: string;
  unit: string;
  /** Each value is plotted at the end of its interval (seconds). */
  xs: readonly number[];
  lines: Line[];
  /** A horizontal line: an SLO target. */
  target?: { y: number; label: string };
  bands: Band[];
  /** Vertical marks: interventions, instant faults. */
  marks: { atS: number; label: string }[];
  endS: number;
  /** A fixed top of the y axis (utilization: 1). */
  yMax?: number;
}

const W = 760;
const H = 230;
const PAD = { left: 56, right: 14, top: 12, bottom: 30 };

/** A line chart in SVG: shaded bands (faults, the warm-up), lines with gaps where there is no value, an optional target line, marks. */
export function lineChart(o: ChartOptions): string {
  const pw = W - PAD.left - PAD.right;
  const ph = H - PAD.top - PAD.bottom;
  let top = o.yMax ?? 0;
  if (o.yMax === undefined) {
    for (const l of o.lines) for (const y of l.ys) if (y !== null && y > top) top = y;
    if (o.target && o.target.y > top) top = o.target.y;
  }
  const yTicks = niceTicks(top > 0 ? top : 1, 4);
  const yTop = yTicks[yTicks.length - 1];
  const xTicks = niceTicks(o.endS > 0 ? o.endS : 1, 8).filter((t) => t <= o.endS + 1e-9);
  const xAt = (s: number) => PAD.left + (o.endS > 0 ? (s / o.endS) * pw : 0);
  const yAt = (v: number) => PAD.top + ph - (v / yTop) * ph;
  const f = (v: number) => v.toFixed(1);
  const parts: string[] = [];
  parts.push(`<svg class="chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(o.title)}">`);
  parts.push(`<title>${esc(o.title)}</title>`);
  for (const b of o.bands) {
    const x0 = xAt(Math.max(0, b.fromS));
    const x1 = xAt(Math.min(o.endS, b.toS));
    if (x1 <= x0) continue;
    parts.push(
      `<rect class="${b.kind}" x="${f(x0)}" y="${PAD.top}" width="${f(x1 - x0)}" height="${ph}"><title>${esc(b.label)}</title></rect>`,
    );
    parts.push(`<text class="band-label" x="${f(x0 + 3)}" y="${PAD.top + 11}">${esc(b.label)}</text>`);
  }
  for (const t of yTicks) {
    parts.push(`<line class="grid" x1="${PAD.left}" x2="${W - PAD.right}" y1="${f(yAt(t))}" y2="${f(yAt(t))}"/>`);
    parts.push(`<text class="tick" x="${PAD.left - 5}" y="${f(yAt(t) + 4)}" text-anchor="end">${esc(fmt(t))}</text>`);
  }
  for (const t of xTicks)
    parts.push(`<text class="tick" x="${f(xAt(t))}" y="${H - PAD.bottom + 15}" text-anchor="middle">${esc(fmt(t))}s</text>`);
  parts.push(
    `<text class="unit" x="4" y="${PAD.top + 4}" transform="rotate(-90 10 ${PAD.top + ph / 2}) translate(${-ph / 2 + 10} 0)">${esc(o.unit)}</text>`,
  );
  parts.push(`<line class="axis" x1="${PAD.left}" x2="${W - PAD.right}" y1="${PAD.top + ph}" y2="${PAD.top + ph}"/>`);
  for (const m of o.marks) {
    parts.push(
      `<line class="mark" x1="${f(xAt(m.atS))}" x2="${f(xAt(m.atS))}" y1="${PAD.top}" y2="${PAD.top + ph}"><title>${esc(m.label)}</title></line>`,
    );
  }
  for (const l of o.lines) {
    let d = '';
    let pen = false;
    l.ys.forEach((y, i) => {
      if (y === null || !Number.isFinite(y)) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${f(xAt(o.xs[i]))} ${f(yAt(Math.min(y, yTop)))}`;
      pen = true;
    });
    if (d)
      parts.push(`<path class="line" d="${d}" stroke="${l.color}" stroke-width="${l.width ?? 1.6}"><title>${esc(l.name)}</title></path>`);
  }
  if (o.target && o.target.y <= yTop) {
    const y = f(yAt(o.target.y));
    parts.push(`<line class="target" x1="${PAD.left}" x2="${W - PAD.right}" y1="${y}" y2="${y}"/>`);
    parts.push(`<text class="target-label" x="${W - PAD.right - 4}" y="${Number(y) - 4}" text-anchor="end">${esc(o.target.label)}</text>`);
  }
  parts.push('</svg>');
  const legend = o.lines.map((l) => `<span><i style="background:${l.color}"></i>${esc(l.name)}</span>`);
  if (o.target) legend.push(`<span><i class="target-swatch"></i>${esc(o.target.label)}</span>`);
  if (o.bands.some((b) => b.kind === 'fault')) legend.push('<span><i class="fault-swatch"></i>fault window</span>');
  if (o.bands.some((b) => b.kind === 'warmup')) legend.push('<span><i class="warmup-swatch"></i>warm-up (not in the summary)</span>');
  if (o.marks.length > 0) legend.push('<span><i class="mark-swatch"></i>intervention or instant fault</span>');
  return `<figure><figcaption>${esc(o.title)}</figcaption>${parts.join('\n')}<div class="legend">${legend.join(' ')}</div></figure>`;
}

/** The call graph: workloads on the left, services in columns by their distance from the workloads, edges labelled with their measured rate and trouble. */
export function callGraphSvg(report: Report): string {
  const secs = report.measuredSeconds > 0 ? report.measuredSeconds : NaN;
  const services = Object.keys(report.services);
  const edges = Object.entries(report.edges ?? {})
    .map(([key, e]) => {
      const [from, to] = key.split('->');
      return { from, to, e };
    })
    .filter((x) => x.to !== undefined && x.from in report.services && x.to in report.services);
  const depth = new Map<string, number>();
  const queue: string[] = [];
  for (const w of Object.values(report.workloads)) {
    const s = w.target.split('.')[0];
    if (s in report.services && !depth.has(s)) {
      depth.set(s, 1);
      queue.push(s);
    }
  }
  while (queue.length > 0) {
    const s = queue.shift()!;
    for (const x of edges)
      if (x.from === s && !depth.has(x.to)) {
        depth.set(x.to, depth.get(s)! + 1);
        queue.push(x.to);
      }
  }
  const maxDepth = Math.max(1, ...depth.values());
  for (const s of services) if (!depth.has(s)) depth.set(s, maxDepth + 1);
  const columns: string[][] = [Object.keys(report.workloads)];
  for (const s of services) (columns[depth.get(s)!] ??= []).push(s);
  const longest = Math.max(10, ...services.map((n) => n.length + 6), ...Object.keys(report.workloads).map((n) => n.length));
  const NW = Math.max(180, Math.ceil(longest * 8 + 20));
  // each edge leaves its caller at its own port on the right side and reaches its callee at one on the left: labels beside the ports do not collide
  const outs = new Map<string, number>();
  const ins = new Map<string, number>();
  const links: { from: string; to: string; lines: string[]; bad: boolean }[] = [];
  for (const [name, w] of Object.entries(report.workloads)) {
    const failed = w.requests.failed + w.requests.rejected;
    const to = w.target.split('.')[0];
    if (to in report.services)
      links.push({
        from: `w:${name}`,
        to: `s:${to}`,
        lines: [`${rate(w.requests.started / secs)}/s${failed > 0 ? `, ${rate(failed / secs)}/s failed` : ''}`],
        bad: failed > 0,
      });
  }
  for (const { from, to, e } of edges) {
    const trouble = [
      e.retries > 0 && `${rate(e.retries / secs)}/s retries`,
      e.timeouts > 0 && `${rate(e.timeouts / secs)}/s timeouts`,
      e.breakerRejected + e.bulkheadRejected > 0 && `${rate((e.breakerRejected + e.bulkheadRejected) / secs)}/s refused`,
    ].filter((x): x is string => typeof x === 'string');
    links.push({
      from: `s:${from}`,
      to: `s:${to}`,
      lines: [[`${rate(e.calls / secs)}/s`, ...trouble].join(', ')],
      bad: trouble.length > 0,
    });
  }
  for (const l of links) {
    outs.set(l.from, (outs.get(l.from) ?? 0) + 1);
    ins.set(l.to, (ins.get(l.to) ?? 0) + 1);
  }
  const most = Math.max(1, ...outs.values(), ...ins.values());
  const NH = Math.max(46, 16 * (most + 1));
  const COL = NW + 260;
  const ROW = NH + 28;
  const rows = Math.max(...columns.map((c) => c?.length ?? 0));
  const width = 20 + columns.length * COL;
  const height = 30 + rows * ROW;
  const pos = new Map<string, { x: number; y: number }>();
  columns.forEach((col, c) => {
    (col ?? []).forEach((name, r) => {
      const offset = ((rows - col.length) * ROW) / 2;
      pos.set(`${c === 0 ? 'w:' : 's:'}${name}`, { x: 20 + c * COL, y: 20 + offset + r * ROW });
    });
  });
  const out: string[] = [
    `<svg class="graph" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="call graph">`,
    '<title>call graph</title>',
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#667"/></marker></defs>',
  ];
  const outUsed = new Map<string, number>();
  const inUsed = new Map<string, number>();
  for (const l of links) {
    const a = pos.get(l.from);
    const b = pos.get(l.to);
    if (!a || !b) continue;
    const i = outUsed.get(l.from) ?? 0;
    outUsed.set(l.from, i + 1);
    const j = inUsed.get(l.to) ?? 0;
    inUsed.set(l.to, j + 1);
    const x1 = a.x + NW;
    const y1 = a.y + (NH * (i + 1)) / (outs.get(l.from)! + 1);
    const x2 = b.x;
    const y2 = b.y + (NH * (j + 1)) / (ins.get(l.to)! + 1);
    const dx = x2 <= x1 ? 80 : (x2 - x1) / 2;
    out.push(
      `<path class="edge${l.bad ? ' bad' : ''}" d="M${x1} ${y1.toFixed(1)}C${x1 + dx} ${y1.toFixed(1)} ${x2 - dx} ${y2.toFixed(1)} ${x2} ${y2.toFixed(1)}" marker-end="url(#arrow)"/>`,
    );
    out.push(`<text class="edge-label${l.bad ? ' bad' : ''}" x="${x1 + 6}" y="${(y1 - 3).toFixed(1)}">${esc(l.lines.join(' '))}</text>`);
  }
  for (const [name] of Object.entries(report.workloads)) {
    const p = pos.get(`w:${name}`)!;
    out.push(`<rect class="node workload" x="${p.x}" y="${p.y}" width="${NW}" height="${NH}" rx="6"/>`);
    out.push(`<text class="node-name" x="${p.x + 8}" y="${p.y + 19}">${esc(name)}</text>`);
    out.push(
      `<text class="node-info" x="${p.x + 8}" y="${p.y + 36}">workload, p99 ${esc(ms(report.workloads[name].latencyMs.p99))}</text>`,
    );
  }
  for (const s of services) {
    const p = pos.get(`s:${s}`)!;
    const m = report.services[s];
    const u = m.utilization ?? 0;
    const level = u >= 0.9 ? 'hot' : u >= 0.7 ? 'warm' : 'ok';
    out.push(`<rect class="node ${level}" x="${p.x}" y="${p.y}" width="${NW}" height="${NH}" rx="6"/>`);
    out.push(`<text class="node-name" x="${p.x + 8}" y="${p.y + 19}">${esc(s)} (${m.replicasUp}/${m.replicas})</text>`);
    out.push(
      `<text class="node-info" x="${p.x + 8}" y="${p.y + 36}">${esc(`${pct(m.utilization)} busy, p99 ${ms(m.latencyMs.p99)}`)}</text>`,
    );
  }
  out.push('</svg>');
  return out.join('\n');
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2330;background:#fff;margin:0 auto;max-width:1100px;padding:16px 24px 48px}
h1{font-size:24px;margin:8px 0 2px}h2{font-size:19px;margin:30px 0 8px;border-bottom:1px solid #dde;padding-bottom:4px}
.meta{color:#556;margin:0 0 8px}.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-weight:600;color:#fff}
.met{background:#2a8a3e}.missed{background:#c0392b}.note{color:#667;font-style:italic}
table{border-collapse:collapse;margin:6px 0 14px;font-variant-numeric:tabular-nums}
th,td{padding:3px 10px;border-bottom:1px solid #e6e8ee;text-align:left;white-space:nowrap}th{background:#f4f5f8;font-weight:600}
td.n,th.n{text-align:right}figure{margin:8px 0 18px}figcaption{font-weight:600;margin-bottom:2px}
.chart,.graph{max-width:100%;height:auto;display:block}.graph{overflow:visible}
.grid{stroke:#eceef3}.axis{stroke:#99a}.tick,.unit{font-size:11px;fill:#556}.line{fill:none;stroke-linejoin:round}
.fault{fill:#e74c3c;fill-opacity:.13}.warmup{fill:#8892a6;fill-opacity:.12}.band-label{font-size:10px;fill:#934}
.target{stroke:#c0392b;stroke-dasharray:6 4;stroke-width:1.4}.target-label{font-size:11px;fill:#c0392b;font-weight:600}
.mark{stroke:#6b4fbb;stroke-width:1.4;stroke-dasharray:2 3}
.legend{font-size:12px;color:#445}.legend span{margin-right:14px;white-space:nowrap}.legend i{display:inline-block;width:14px;height:4px;vertical-align:middle;margin-right:4px}
.target-swatch{border-top:2px dashed #c0392b;height:0!important}.fault-swatch{background:#e74c3c;opacity:.3;height:10px!important}
.warmup-swatch{background:#8892a6;opacity:.35;height:10px!important}.mark-swatch{border-left:2px dotted #6b4fbb;width:2px!important;height:12px!important}
.node{fill:#f7f9fc;stroke:#7a8599;stroke-width:1.3}.node.workload{fill:#eef3fb;stroke:#4b6fa8}.node.warm{stroke:#e0a100;stroke-width:2.2}.node.hot{stroke:#c0392b;stroke-width:2.6}
.node-name{font-size:13px;font-weight:600;fill:#1d2330}.node-info{font-size:11px;fill:#556}
.edge{fill:none;stroke:#667;stroke-width:1.3}.edge.bad{stroke:#c0392b}.edge-label{font-size:11px;fill:#334;paint-order:stroke;stroke:#fff;stroke-width:3px}.edge-label.bad{fill:#b03020}
.grid2{display:grid;grid-template-columns:1fr;gap:0 24px}
footer{margin-top:36px;color:#889;font-size:12px}
`;

/** The report with its time series (when it has one) as a self-contained HTML page: no scripts, no network. */
export function htmlReport(report: Report): string {
  const ts = report.timeseries;
  const sections: string[] = [];
  const endS = report.simulatedMs / 1000;
  const slo = report.slo;
  const faults = report.faults ?? [];

  // header
  const badge = slo ? `<span class="badge ${slo.met ? 'met' : 'missed'}">SLO ${slo.met ? 'met' : 'missed'}</span>` : '';
  const head = `<h1>${esc(report.scenario)} ${badge}</h1>
<p class="meta">${esc(report.description)}</p>
<p class="meta">seed ${report.seed} · ${fmt(report.simulatedSeconds)} s simulated, warm-up ${fmt(report.warmupSeconds)} s (the tables cover the ${fmt(report.measuredSeconds)} s after it; the charts the whole run)${report.truncated ? ` · <b>stopped early</b>: ${esc(report.truncation?.reason ?? '')}` : ''}${report.overrides.length ? ` · ${esc(report.overrides.join(' '))}` : ''}</p>`;

  // summary
  const r = report.requests;
  const summary = [
    table(
      ['end to end', 'started', 'completed', 'failed', 'rejected', 'throughput', 'mean', 'p50', 'p99', 'max'],
      [
        [
          '<b>all workloads</b>',
          fmt(r.started),
          fmt(r.completed),
          fmt(r.failed),
          fmt(r.rejected),
          `${fmt(r.completed / report.measuredSeconds)}/s`,
          ms(report.latencyMs.mean),
          ms(report.latencyMs.p50),
          ms(report.latencyMs.p99),
          ms(report.latencyMs.max),
        ],
        ...Object.entries(report.workloads).map(([n, w]) => [
          `${esc(n)} <span class="note">→ ${esc(w.target)}</span>`,
          fmt(w.requests.started),
          fmt(w.requests.completed),
          fmt(w.requests.failed),
          fmt(w.requests.rejected),
          `${fmt(w.throughputPerSec)}/s`,
          ms(w.latencyMs.mean),
          ms(w.latencyMs.p50),
          ms(w.latencyMs.p99),
          ms(w.latencyMs.max),
        ]),
      ],
    ),
  ];
  if (slo)
    summary.push(
      table(
        ['SLO objective', 'target', 'actual', ''],
        slo.objectives.map((o) => [
          esc(`${o.workload ? `${o.workload} ` : ''}${o.metric}`),
          fmt(o.target),
          fmt(o.actual),
          `<span class="badge ${o.met ? 'met' : 'missed'}">${o.met ? 'met' : 'missed'}</span>`,
        ]),
      ),
    );
  sections.push(section('summary', 'Summary', summary.join('\n')));

  // charts over time
  if (ts && ts.startMs.length > 0) {
    const xs = ts.endMs.map((m) => m / 1000);
    const bands: Band[] = [];
    if (report.warmupSeconds > 0) bands.push({ fromS: 0, toS: report.warmupSeconds, label: 'warm-up', kind: 'warmup' });
    const marks: ChartOptions['marks'] = [];
    for (const flt of faults) {
      const label = `${flt.kind} ${flt.target}`;
      if (flt.forMs) bands.push({ fromS: flt.at / 1000, toS: (flt.at + flt.forMs) / 1000, label, kind: 'fault' });
      else marks.push({ atS: flt.at / 1000, label });
    }
    for (const iv of report.interventions) marks.push({ atS: iv.atMs / 1000, label: `${iv.action} ${iv.target}` });
    const latency = Object.entries(ts.workloads).map(([name, w]) => {
      const objective = slo?.objectives.find((o) => o.metric === 'p99' && (o.workload === undefined || o.workload === name));
      return lineChart({
        title: `${name}: end-to-end latency p50 and p99 per ${fmt(ts.intervalMs / 1000)} s`,
        unit: 'ms',
        xs,
        lines: [
          { name: 'p50', ys: w.p50Ms, color: color(0) },
          { name: 'p99', ys: w.p99Ms, color: color(1), width: 2 },
        ],
        target: objective
          ? { y: objective.target, label: `SLO p99 ${fmt(objective.target)} ms${objective.workload ? '' : ' (all workloads)'}` }
          : undefined,
        bands,
        marks,
        endS,
      });
    });
    sections.push(section('latency', 'Latency over time', latency.join('\n')));
    const names = Object.keys(ts.services);
    const per = (title: string, unit: string, pick: (s: Timeseries['services'][string]) => readonly (number | null)[], yMax?: number) =>
      lineChart({
        title,
        unit,
        xs,
        lines: names.map((n, i) => ({ name: n, ys: pick(ts.services[n]), color: color(i) })),
        bands,
        marks,
        endS,
        yMax,
      });
    sections.push(
      section(
        'services-over-time',
        'Services over time',
        [
          per('Throughput: successful requests per second', 'req/s', (s) => s.throughputPerSec),
          per('Utilization: busy cores / cores provisioned', 'share', (s) => s.utilization, 1),
          per('Queue length: mean requests waiting for a slot or a core', 'requests', (s) => s.queueLength),
          per('Replicas up', 'replicas', (s) => s.replicasUp),
        ].join('\n'),
      ),
    );
  } else {
    sections.push(
      section(
        'latency',
        'Latency over time',
        '<p class="note">This report has no time series: make it with <code>msim run … --json-timeseries</code>, or write the page with <code>msim run … --html</code>.</p>',
      ),
    );
  }

  // services table
  sections.push(
    section(
      'services',
      'Services',
      table(
        ['service', 'replicas up', 'throughput', 'utilization', 'queue mean', 'queue max', 'p50', 'p99', 'failed', 'rejected'],
        Object.entries(report.services).map(([n, s]) => [
          esc(n),
          `${s.replicasUp}/${s.replicas} × ${s.cores} cores`,
          `${fmt(s.throughputPerSec)}/s`,
          pct(s.utilization),
          fmt(s.queueLength.mean),
          fmt(s.queueLength.max),
          ms(s.latencyMs.p50),
          ms(s.latencyMs.p99),
          fmt(s.requests.failed),
          fmt(s.requests.rejected),
        ]),
      ),
    ),
  );

  // call graph
  const edgeRows = Object.entries(report.edges ?? {}).map(([k, e]) => [
    esc(k.replace('->', ' → ')),
    `${fmt(e.calls / report.measuredSeconds)}/s`,
    fmt(e.retries),
    fmt(e.hedges),
    fmt(e.timeouts),
    fmt(e.breakerRejected),
    fmt(e.bulkheadRejected),
    fmt(e.fallbacks),
    fmt(e.amplification),
  ]);
  sections.push(
    section(
      'call-graph',
      'Call graph',
      `<p class="note">Measured after the warm-up: requests per second on each edge, and retries, timeouts and refusals (breakers, bulkheads) when there were any. A service's border turns amber at 70% busy and red at 90%.</p>
${callGraphSvg(report)}
${edgeRows.length ? table(['edge', 'calls', 'retries', 'hedges', 'timeouts', 'breaker refused', 'bulkhead refused', 'fallbacks', 'attempts per call'], edgeRows) : ''}`,
    ),
  );

  // caches
  const caches = Object.entries(report.caches ?? {});
  if (caches.length > 0)
    sections.push(
      section(
        'caches',
        'Caches',
        table(
          ['cache', 'kind', 'lookups', 'hit ratio', 'hits', 'misses', 'evictions', 'expirations', 'coalesced', 'stampedes'],
          caches.map(([n, c]) => [
            esc(n),
            esc(c.kind),
            fmt(c.lookups),
            `<b>${pct(c.hitRatio)}</b>`,
            fmt(c.hits),
            fmt(c.misses),
            fmt(c.evictions),
            fmt(c.expirations),
            fmt(c.coalesced),
            fmt(c.stampedes),
          ]),
        ),
      ),
    );

  // faults and interventions
  if (faults.length > 0)
    sections.push(
      section(
        'faults',
        'Faults',
        table(
          ['fault', 'from', 'for', 'requests', 'error rate', 'p99 then'],
          faults.map((f) => [
            esc(`${f.kind} ${f.target}`),
            `${fmt(f.at / 1000)} s`,
            f.forMs ? `${fmt(f.forMs / 1000)} s` : '–',
            fmt(f.requests),
            pct(f.errorRate),
            ms(f.latencyMs?.p99),
          ]),
        ),
      ),
    );
  sections.push(
    section(
      'interventions',
      'Interventions',
      report.interventions.length === 0
        ? '<p class="note">None: no what-if was applied during this run.</p>'
        : table(
            ['at', 'action', 'target'],
            report.interventions.map((iv) => [`${fmt(iv.atMs / 1000)} s`, esc(iv.action), esc(iv.target)]),
            false,
          ),
    ),
  );

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(`msim: ${report.scenario} (seed ${report.seed})`)}</title>
<style>${CSS}</style>
</head>
<body>
${head}
${sections.join('\n')}
<footer>Written by msim from the run's report. Self-contained: it needs no network. msim run --replay on the JSON report reproduces the run.</footer>
</body>
</html>
`;
}

function section(id: string, title: string, body: string): string {
  return `<section id="${id}">\n<h2>${esc(title)}</h2>\n${body}\n</section>`;
}
