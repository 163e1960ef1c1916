import { describe, expect, it } from 'vitest';
import type { RootRequest } from '../../model/span.js';
import { Run } from '../../run/run.js';
import { loadScenarioText } from '../../scenario/load.js';
import { chromeTraceProblems, otlpTraceProblems } from '../../test-support/trace-formats.js';
import { chromeTrace } from './trace-chrome.js';
import { TraceCollector, type TraceOptions } from './trace-collector.js';
import { otlpTraces } from './trace-otlp.js';

const spec = loadScenarioText(
  `name: traced
duration: 20s
warmup: 2s
regions: { us: [dc1, dc2] }
network: { sameDatacenter: 0.1ms, crossDatacenter: 1ms }
workloads: [{ name: w, from: us/dc1, to: api, arrivals: poisson(300/s) }]
services:
  api: { replicas: { us/dc1: 2 }, cores: 2, concurrency: 8, queue: 50, cpu: exp(mean=2ms), calls: [[db, cache], { to: slow, timeout: 30ms, retry: { attempts: 2 } }] }
  db: { replicas: { us/dc2: 2 }, cores: 1, cpu: exp(mean=2ms), errors: 1% }
  cache: { replicas: { us/dc1: 1 }, cpu: 0.2ms }
  slow: { replicas: { us/dc1: 2 }, cores: 1, cpu: mix(0.95: exp(mean=3ms), 0.05: 60ms) }
`,
  'traced.yaml',
);

function traced(options: TraceOptions) {
  let collector!: TraceCollector;
  const latencies: number[] = [];
  const run = new Run(spec, {
    observers: (world) => [
      (collector = new TraceCollector(world, options)),
      { requestFinished: (r: RootRequest) => void (r.measured && latencies.push(r.endMs - r.intendedMs)) },
    ],
  });
  const report = run.runToEnd();
  const services = run.world.services.map((s) => s.name);
  return {
    report,
    collector,
    latencies,
    chrome: chromeTrace(collector.traces(), services, { seed: report.seed }),
    otlp: otlpTraces(collector.traces(), services, report.seed, report.scenario),
  };
}

describe('traces', () => {
  const a = traced({ sample: 0.02, slowest: 10 });

  it('are deterministic: the same run writes the same bytes', () => {
    const b = traced({ sample: 0.02, slowest: 10 });
    expect(b.chrome).toBe(a.chrome);
    expect(b.otlp).toBe(a.otlp);
  });

  it('change nothing of the run: the report is the same with and without them', () => {
    const plain = new Run(spec).runToEnd();
    expect(JSON.stringify({ ...a.report, engine: null })).toBe(JSON.stringify({ ...plain, engine: null }));
  });

  it('keep about the sampled share of measured requests, and exactly the N slowest (the bounded heap against a sort)', () => {
    const traces = a.collector.traces();
    const sampled = traces.filter((t) => t.kept !== 'slowest').length;
    expect(sampled / a.latencies.length).toBeGreaterThan(0.015);
    expect(sampled / a.latencies.length).toBeLessThan(0.025);
    const slowest = traces.filter((t) => t.kept !== 'sampled').map((t) => t.latencyMs);
    const reference = [...a.latencies].sort((x, y) => y - x).slice(0, 10);
    expect(slowest.sort((x, y) => y - x)).toEqual(reference);
  });

  it('split each span into its parts: hop, slot queue, core wait, CPU, calls, answer hop add up to the caller-side time', () => {
    for (const t of a.collector.traces()) {
      expect(t.spans[0].parent).toBe(-1);
      for (const s of t.spans) {
        if (!s.reached || s.outcome === 'pending') continue;
        const parts = s.requestHopMs + s.slotQueueMs + s.coreWaitMs + s.cpuMs + s.callsWaitMs + s.responseHopMs;
        expect(parts).toBeCloseTo(s.answeredMs - s.sentMs, 6);
      }
      const root = t.spans[0];
      if (root.outcome !== 'pending') expect(root.answeredMs - t.intendedMs).toBeCloseTo(t.latencyMs, 6);
    }
    // the run has network hops, queueing, retries and timeouts, and the traces show them
    const spans = a.collector.traces().flatMap((t) => t.spans);
    expect(spans.some((s) => s.requestHopMs > 0 && s.location === 'us/dc2')).toBe(true);
    expect(spans.some((s) => s.retry)).toBe(true);
    expect(spans.some((s) => s.errorKind === 'timed-out')).toBe(true);
    expect(spans.some((s) => s.coreWaitMs > 0 || s.slotQueueMs > 0)).toBe(true);
  });

  it('are valid Chrome trace event JSON: slices nest on each track, flow arrows pair up inside slices', () => {
    const doc = JSON.parse(a.chrome);
    expect(chromeTraceProblems(doc)).toEqual([]);
    const names = doc.traceEvents
      .filter((e: { name: string }) => e.name === 'thread_name')
      .map((e: { args: { name: string } }) => e.args.name);
    expect(names).toContain('api#0 @ us/dc1');
    expect(names).toContain('db#0 @ us/dc2');
    expect(doc.traceEvents.filter((e: { ph: string }) => e.ph === 's').length).toBeGreaterThan(0);
  });

  it('are valid OTLP JSON: hex ids of 16 and 8 bytes, parents in the same trace, times as uint64 strings', () => {
    const doc = JSON.parse(a.otlp);
    expect(otlpTraceProblems(doc)).toEqual([]);
    const services = doc.resourceSpans.map(
      (r: { resource: { attributes: { value: { stringValue: string } }[] } }) => r.resource.attributes[0].value.stringValue,
    );
    expect(services).toEqual(['clients', 'api', 'db', 'cache', 'slow']);
  });

  it('the format checks find broken files (they are not vacuous)', () => {
    const doc = JSON.parse(a.chrome);
    const x = doc.traceEvents.find((e: { ph: string; cat: string }) => e.ph === 'X' && e.cat === 'split');
    doc.traceEvents.push({ ...x, ts: x.ts + x.dur / 2, dur: x.dur * 10 });
    expect(chromeTraceProblems(doc).length).toBeGreaterThan(0);
    const o = JSON.parse(a.otlp);
    o.resourceSpans[1].scopeSpans[0].spans[0].parentSpanId = 'ffffffffffffffff';
    o.resourceSpans[1].scopeSpans[0].spans[1].traceId = 'abc';
    expect(otlpTraceProblems(o).length).toBeGreaterThanOrEqual(2);
  });
});
