// Traces as OTLP JSON (the OpenTelemetry protocol's JSON encoding of ExportTraceServiceRequest), for the Collector and Jaeger.
import { spanId, traceId } from './trace-ids.js';
import type { Trace, TraceSpan } from './trace-collector.js';

/** Simulated time 0 as a wall-clock instant, so tools show plausible dates: 2025-01-01T00:00:00Z. */
export const OTLP_EPOCH_MS = 1_735_689_600_000;

/** OTLP's span kinds and status codes (enums as integers, as the JSON encoding writes them). */
const SPAN_KIND_SERVER = 2;
const SPAN_KIND_CLIENT = 3;
const STATUS_OK = 1;
const STATUS_ERROR = 2;

type AnyValue = { stringValue: string } | { intValue: string } | { doubleValue: number } | { boolValue: boolean };
interface KeyValue {
  key: string;
  value: AnyValue;
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: KeyValue[];
  status: { code: number; message?: string };
}

/** Nanoseconds since the Unix epoch of a simulated time, as the decimal string OTLP JSON writes a fixed64 as. */
function nanos(ms: number): string {
  return (BigInt(OTLP_EPOCH_MS) * 1_000_000n + BigInt(Math.round(ms * 1e6))).toString();
}

const str = (key: string, v: string): KeyValue => ({ key, value: { stringValue: v } });
const dbl = (key: string, v: number): KeyValue => ({ key, value: { doubleValue: v } });
const bool = (key: string, v: boolean): KeyValue => ({ key, value: { boolValue: v } });
const int = (key: string, v: number): KeyValue => ({ key, value: { intValue: String(v) } });

/**
 * The traces as one OTLP JSON document: a resource per service (`service.name`)
 * and one for the workloads' clients. Each visit to a service is a SERVER span
 * at the callee (its replica, location and time split as `msim.*` attributes),
 * under a CLIENT span at the caller from send to answer (network included).
 * Ids are W3C-sized (16-byte trace, 8-byte span, lowercase hex), made from the
 * seed and the request's number: the same run writes the same bytes.
 */
export function otlpTraces(traces: readonly Trace[], services: readonly string[], seed: number, scenario: string): string {
  const byService = new Map<string, OtlpSpan[]>([['clients', []], ...services.map((s): [string, OtlpSpan[]] => [s, []])]);
  for (const trace of traces) {
    const tid = traceId(seed, trace.seq);
    for (const s of trace.spans) {
      const callerService = s.parent < 0 ? 'clients' : trace.spans[s.parent].service;
      const callerServerId = s.parent < 0 ? undefined : spanId(seed, trace.seq, s.parent, 0);
      const clientId = spanId(seed, trace.seq, s.index, 1);
      const failed = s.outcome !== 'ok' && s.outcome !== 'pending';
      const status = failed ? { code: STATUS_ERROR, message: s.errorKind ?? s.outcome } : { code: s.outcome === 'ok' ? STATUS_OK : 0 };
      const common = [
        str('msim.outcome', s.outcome),
        ...(s.errorKind ? [str('error.type', s.errorKind)] : []),
        bool('msim.retry', s.retry),
        bool('msim.hedge', s.hedge),
        int('msim.request', trace.seq),
        ...(s.parent < 0 ? [str('msim.workload', trace.workload)] : []),
      ];
      byService.get(callerService)!.push({
        traceId: tid,
        spanId: clientId,
        ...(callerServerId ? { parentSpanId: callerServerId } : {}),
        name: `call ${s.service}.${s.endpoint}`,
        kind: SPAN_KIND_CLIENT,
        startTimeUnixNano: nanos(s.sentMs),
        endTimeUnixNano: nanos(s.reached ? s.answeredMs : s.endMs),
        attributes: [
          str('peer.service', s.service),
          ...common,
          bool('msim.abandoned', s.abandoned),
          dbl('msim.network.request_ms', s.requestHopMs),
          dbl('msim.network.response_ms', s.responseHopMs),
          ...(s.parent < 0 ? [str('msim.location', trace.location)] : []),
        ],
        status,
      });
      if (!s.reached) continue;
      byService.get(s.service)!.push({
        traceId: tid,
        spanId: spanId(seed, trace.seq, s.index, 0),
        parentSpanId: clientId,
        name: `${s.service}.${s.endpoint}`,
        kind: SPAN_KIND_SERVER,
        startTimeUnixNano: nanos(s.arrivalMs),
        endTimeUnixNano: nanos(s.endMs),
        attributes: [
          str('msim.replica', s.replica!),
          str('msim.location', s.location!),
          ...common,
          dbl('msim.slot_queue_ms', s.slotQueueMs),
          dbl('msim.core_wait_ms', s.coreWaitMs),
          dbl('msim.cpu_ms', s.cpuMs),
          dbl('msim.calls_wait_ms', s.callsWaitMs),
        ],
        status,
      });
    }
  }
  const resourceSpans = [...byService]
    .filter(([, spans]) => spans.length > 0)
    .map(([service, spans]) => ({
      resource: { attributes: [str('service.name', service), str('service.namespace', scenario), str('telemetry.sdk.name', 'msim')] },
      scopeSpans: [{ scope: { name: 'msim' }, spans }],
    }));
  return `${JSON.stringify({ resourceSpans })}\n`;
}

export type { TraceSpan };
