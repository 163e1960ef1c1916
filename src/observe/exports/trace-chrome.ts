// Traces as Chrome trace event JSON (Perfetto UI, chrome://tracing): a track per service replica, the time split as nested slices, flow arrows from caller to callee.
import type { Trace, TraceSpan } from './trace-collector.js';

/** One event of the trace event format (the fields this writer uses). */
export interface ChromeEvent {
  name: string;
  ph: 'X' | 'M' | 's' | 'f' | 'i';
  pid: number;
  tid: number;
  ts?: number;
  dur?: number;
  cat?: string;
  id?: number;
  bp?: 'e';
  s?: 't' | 'p' | 'g';
  args?: Record<string, unknown>;
}

/** Simulated ms to the format's microseconds, rounded to the nanosecond (3 decimals) so the text is short and exact. */
const us = (ms: number): number => Math.round(ms * 1e6) / 1e3;
/** A duration between two such times, as exact as they are. */
const durUs = (fromMs: number, toMs: number): number => Math.round((us(toMs) - us(fromMs)) * 1e3) / 1e3;

/** A lane of a replica's track: spans that overlap in time go to separate lanes (the format needs slices on one thread to nest). */
interface Lane {
  endMs: number;
}

/**
 * The traces as a trace event file. Processes are the workloads' clients (pid
 * 1) and the services (pid 2 on, in the order of the scenario); threads are
 * replicas (a busy replica gets more lanes, `api#0`, `api#0 (2)`). Each span is
 * a slice named `service.endpoint` with its time split as child slices (queue
 * for a slot, wait for a core, CPU, then waiting on calls: the order of a plain
 * endpoint; the args hold the exact totals), and a flow arrow from the caller's
 * slice to the callee's.
 */
export function chromeTrace(traces: readonly Trace[], services: readonly string[], meta: Record<string, unknown>): string {
  const events: ChromeEvent[] = [];
  const pidOf = new Map(services.map((s, i) => [s, i + 2]));
  // the workloads' requests: a track per workload, with lanes for requests that overlap
  const workloads = [...new Set(traces.map((t) => t.workload))].sort();
  const workloadIndex = new Map(workloads.map((w, i) => [w, i]));
  const clientLanes = new Map<string, Lane[]>();
  const clientTid = new Map<number, number>();
  const clientThreads: { tid: number; name: string }[] = [];
  for (const t of [...traces].sort((a, b) => a.intendedMs - b.intendedMs || a.seq - b.seq)) {
    let ls = clientLanes.get(t.workload);
    if (!ls) clientLanes.set(t.workload, (ls = []));
    let lane = ls.findIndex((l) => l.endMs <= t.intendedMs);
    if (lane < 0) {
      lane = ls.length;
      ls.push({ endMs: 0 });
      clientThreads.push({
        tid: tidOf(workloadIndex.get(t.workload)!, lane),
        name: `workload ${t.workload}${lane === 0 ? '' : ` (${lane + 1})`}`,
      });
    }
    ls[lane].endMs = t.endMs;
    clientTid.set(t.seq, tidOf(workloadIndex.get(t.workload)!, lane));
  }
  events.push({ name: 'process_name', ph: 'M', pid: 1, tid: 0, args: { name: 'clients' } });
  events.push({ name: 'process_sort_index', ph: 'M', pid: 1, tid: 0, args: { sort_index: 0 } });
  clientThreads.sort((a, b) => a.tid - b.tid);
  for (const t of clientThreads) {
    events.push({ name: 'thread_name', ph: 'M', pid: 1, tid: t.tid, args: { name: t.name } });
    events.push({ name: 'thread_sort_index', ph: 'M', pid: 1, tid: t.tid, args: { sort_index: t.tid } });
  }
  for (const [s, pid] of pidOf) {
    events.push({ name: 'process_name', ph: 'M', pid, tid: 0, args: { name: s } });
    events.push({ name: 'process_sort_index', ph: 'M', pid, tid: 0, args: { sort_index: pid } });
  }
  // lanes per replica, assigned in time order over every trace (greedy interval packing: deterministic)
  // where each span of each trace is drawn: [trace's position][span index] -> pid, tid
  const where: ({ pid: number; tid: number } | undefined)[][] = traces.map((t) => new Array(t.spans.length));
  const order = new Map(traces.map((t, i) => [t, i]));
  const lanes = new Map<string, Lane[]>();
  const all = traces.flatMap((trace) => trace.spans.filter((s) => s.replica !== null).map((span) => ({ trace, span })));
  const pidOfSpan = (s: TraceSpan) => pidOf.get(s.service)!;
  all.sort((a, b) => a.span.arrivalMs - b.span.arrivalMs || a.trace.seq - b.trace.seq || a.span.index - b.span.index);
  const threadNames: { pid: number; tid: number; name: string }[] = [];
  for (const { trace, span } of all) {
    const key = span.replica!;
    let ls = lanes.get(key);
    if (!ls) lanes.set(key, (ls = []));
    let lane = ls.findIndex((l) => l.endMs <= span.arrivalMs);
    if (lane < 0) {
      lane = ls.length;
      ls.push({ endMs: 0 });
      const tid = tidOf(span.replicaIndex, lane);
      threadNames.push({
        pid: pidOf.get(span.service)!,
        tid,
        name: lane === 0 ? `${key} @ ${span.location}` : `${key} @ ${span.location} (${lane + 1})`,
      });
    }
    ls[lane].endMs = span.endMs;
    where[order.get(trace)!][span.index] = { pid: pidOfSpan(span), tid: tidOf(span.replicaIndex, lane) };
  }
  threadNames.sort((a, b) => a.pid - b.pid || a.tid - b.tid);
  for (const t of threadNames) {
    events.push({ name: 'thread_name', ph: 'M', pid: t.pid, tid: t.tid, args: { name: t.name } });
    events.push({ name: 'thread_sort_index', ph: 'M', pid: t.pid, tid: t.tid, args: { sort_index: t.tid } });
  }

  let flowId = 0;
  for (const [ti, trace] of traces.entries()) {
    const ctid = clientTid.get(trace.seq)!;
    events.push({
      name: `request ${trace.workload}`,
      cat: 'request',
      ph: 'X',
      pid: 1,
      tid: ctid,
      ts: us(trace.intendedMs),
      dur: durUs(trace.intendedMs, trace.endMs),
      args: { request: trace.seq, latencyMs: trace.latencyMs, outcome: trace.outcome, kept: trace.kept, from: trace.location },
    });
    for (const span of trace.spans) {
      const at = where[ti][span.index];
      const caller = span.parent < 0 ? { pid: 1, tid: ctid } : where[ti][span.parent];
      if (at === undefined) {
        // it never reached a replica: an instant on the caller's track
        if (caller)
          events.push({
            name: `${span.service}.${span.endpoint} ${span.errorKind ?? span.outcome}`,
            cat: 'refused',
            ph: 'i',
            s: 't',
            pid: caller.pid,
            tid: caller.tid,
            ts: us(span.endMs),
            args: spanArgs(trace, span),
          });
        continue;
      }
      events.push({
        name: `${span.service}.${span.endpoint}`,
        cat: 'span',
        ph: 'X',
        pid: at.pid,
        tid: at.tid,
        ts: us(span.arrivalMs),
        dur: durUs(span.arrivalMs, span.endMs),
        args: spanArgs(trace, span),
      });
      let t = span.arrivalMs;
      for (const [name, ms] of [
        ['queue for a slot', span.slotQueueMs],
        ['wait for a core', span.coreWaitMs],
        ['cpu', span.cpuMs],
        ['calls and waits', span.callsWaitMs],
      ] as const) {
        if (ms <= 0) continue;
        const end = Math.min(span.endMs, t + ms);
        const dur = durUs(t, end);
        if (dur > 0) events.push({ name, cat: 'split', ph: 'X', pid: at.pid, tid: at.tid, ts: us(t), dur });
        t = end;
      }
      if (caller) {
        flowId++;
        // the arrow leaves the caller's slice when the call is sent and enters the callee's slice when it arrives
        const sentTs = Math.max(us(span.sentMs), caller.pid === 1 ? us(trace.intendedMs) : 0);
        events.push({ name: 'call', cat: 'call', ph: 's', id: flowId, pid: caller.pid, tid: caller.tid, ts: sentTs });
        events.push({ name: 'call', cat: 'call', ph: 'f', bp: 'e', id: flowId, pid: at.pid, tid: at.tid, ts: us(span.arrivalMs) });
      }
    }
  }
  const doc = { displayTimeUnit: 'ms', otherData: meta, traceEvents: events };
  return `${JSON.stringify(doc)}\n`;
}

/** Lanes of a replica as threads: replica i lane l is thread 1000 i + l + 1. */
function tidOf(replicaIndex: number, lane: number): number {
  return replicaIndex * 1000 + lane + 1;
}

function spanArgs(trace: Trace, s: TraceSpan): Record<string, unknown> {
  return {
    request: trace.seq,
    span: s.index,
    parent: s.parent,
    replica: s.replica,
    location: s.location,
    outcome: s.outcome,
    errorKind: s.errorKind,
    retry: s.retry,
    hedge: s.hedge,
    abandoned: s.abandoned,
    requestHopMs: s.requestHopMs,
    slotQueueMs: s.slotQueueMs,
    coreWaitMs: s.coreWaitMs,
    cpuMs: s.cpuMs,
    callsWaitMs: s.callsWaitMs,
    responseHopMs: s.responseHopMs,
  };
}
