// Checks of trace files against their published formats: Chrome's trace event format and OTLP's JSON encoding (for tests).

type Ev = Record<string, unknown>;

/**
 * Problems of a Chrome trace event JSON document (the "JSON Object Format" of the Trace Event Format spec):
 * a traceEvents array; every event with a known ph, numeric pid/tid/ts; complete events (X) with dur >= 0 that
 * nest properly on each thread (Perfetto flags partly overlapping slices); metadata (M) with args.name or
 * args.sort_index; flow events (s, f) paired by id, each inside a slice of its thread.
 */
export function chromeTraceProblems(doc: unknown): string[] {
  const out: string[] = [];
  if (typeof doc !== 'object' || doc === null || !Array.isArray((doc as Ev).traceEvents)) return ['no traceEvents array'];
  const d = doc as Ev;
  if (d.displayTimeUnit !== undefined && d.displayTimeUnit !== 'ms' && d.displayTimeUnit !== 'ns') out.push('displayTimeUnit not ms or ns');
  const events = d.traceEvents as Ev[];
  const slices = new Map<string, { ts: number; end: number }[]>();
  const flows = new Map<number, { s?: Ev; f?: Ev }>();
  events.forEach((e, i) => {
    const at = `event ${i}`;
    if (typeof e.name !== 'string') out.push(`${at}: no name`);
    if (!['X', 'M', 's', 'f', 'i', 'B', 'E', 't'].includes(e.ph as string)) out.push(`${at}: unknown ph ${String(e.ph)}`);
    if (!Number.isInteger(e.pid) || !Number.isInteger(e.tid)) out.push(`${at}: pid/tid not integers`);
    if (e.ph === 'M') {
      const args = e.args as Ev | undefined;
      const ok =
        ((e.name === 'process_name' || e.name === 'thread_name') && typeof args?.name === 'string') ||
        ((e.name === 'process_sort_index' || e.name === 'thread_sort_index') && Number.isInteger(args?.sort_index));
      if (!ok) out.push(`${at}: bad metadata ${String(e.name)}`);
      return;
    }
    if (typeof e.ts !== 'number' || !Number.isFinite(e.ts) || e.ts < 0) out.push(`${at}: bad ts`);
    if (e.ph === 'X') {
      if (typeof e.dur !== 'number' || !(e.dur >= 0)) out.push(`${at}: bad dur`);
      const key = `${e.pid}/${e.tid}`;
      if (!slices.has(key)) slices.set(key, []);
      slices.get(key)!.push({ ts: e.ts as number, end: (e.ts as number) + (e.dur as number) });
    }
    if (e.ph === 'i' && !['t', 'p', 'g', undefined].includes(e.s as string)) out.push(`${at}: bad instant scope`);
    if (e.ph === 's' || e.ph === 'f') {
      if (!Number.isInteger(e.id) || typeof e.cat !== 'string') out.push(`${at}: a flow needs an id and a cat`);
      const f = flows.get(e.id as number) ?? {};
      if (f[e.ph]) out.push(`${at}: flow ${String(e.id)} has two ${e.ph} events`);
      f[e.ph] = e;
      flows.set(e.id as number, f);
    }
  });
  const EPS = 1e-6;
  for (const [key, list] of slices) {
    list.sort((a, b) => a.ts - b.ts || b.end - a.end);
    const stack: { ts: number; end: number }[] = [];
    for (const s of list) {
      while (stack.length > 0 && stack[stack.length - 1].end <= s.ts + EPS) stack.pop();
      const top = stack[stack.length - 1];
      if (top && s.end > top.end + EPS) out.push(`thread ${key}: slice at ${s.ts} overlaps the one at ${top.ts} without nesting`);
      stack.push(s);
    }
  }
  const inSlice = (e: Ev) =>
    (slices.get(`${e.pid}/${e.tid}`) ?? []).some((s) => s.ts - EPS <= (e.ts as number) && (e.ts as number) <= s.end + EPS);
  for (const [id, f] of flows) {
    if (!f.s || !f.f) out.push(`flow ${id}: not a pair of s and f`);
    else {
      if (!inSlice(f.s)) out.push(`flow ${id}: its start is in no slice of its thread`);
      if (!inSlice(f.f)) out.push(`flow ${id}: its end is in no slice of its thread`);
      if ((f.f.ts as number) < (f.s.ts as number)) out.push(`flow ${id}: ends before it starts`);
    }
  }
  return out;
}

const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;
const UINT64 = /^(0|[1-9]\d{0,19})$/;
const VALUE_KEYS = new Set(['stringValue', 'boolValue', 'intValue', 'doubleValue', 'arrayValue', 'kvlistValue', 'bytesValue']);

/**
 * Problems of an OTLP JSON traces document (ExportTraceServiceRequest in the OTLP/JSON encoding: lowerCamelCase
 * field names, trace and span ids as hex, fixed64 times as decimal strings, enums as integers, int64 as strings):
 * resourceSpans > resource.attributes + scopeSpans > scope + spans; span ids unique; every parentSpanId a span of
 * the same trace; start <= end; kind 0-5; status code 0-2.
 */
export function otlpTraceProblems(doc: unknown): string[] {
  const out: string[] = [];
  const d = doc as Ev;
  if (!Array.isArray(d?.resourceSpans)) return ['no resourceSpans array'];
  const ids = new Map<string, string>();
  const parents: { at: string; trace: string; parent: string }[] = [];
  const attrs = (list: unknown, at: string) => {
    if (!Array.isArray(list)) return out.push(`${at}: attributes not a list`);
    for (const kv of list as Ev[]) {
      const v = kv.value as Ev | undefined;
      if (typeof kv.key !== 'string' || !v || Object.keys(v).length !== 1 || !VALUE_KEYS.has(Object.keys(v)[0]))
        out.push(`${at}: bad attribute ${JSON.stringify(kv)}`);
      else if ('intValue' in v && !/^-?\d+$/.test(String(v.intValue))) out.push(`${at}: intValue not an int64 string`);
    }
  };
  (d.resourceSpans as Ev[]).forEach((rs, r) => {
    const at = `resourceSpans[${r}]`;
    attrs((rs.resource as Ev | undefined)?.attributes, `${at}.resource`);
    if (!((rs.resource as Ev).attributes as Ev[]).some((kv) => kv.key === 'service.name')) out.push(`${at}: no service.name`);
    if (!Array.isArray(rs.scopeSpans)) {
      out.push(`${at}: no scopeSpans`);
      return;
    }
    (rs.scopeSpans as Ev[]).forEach((ss, s) => {
      if (typeof (ss.scope as Ev | undefined)?.name !== 'string') out.push(`${at}.scopeSpans[${s}]: no scope name`);
      (ss.spans as Ev[]).forEach((sp, i) => {
        const a = `${at}.scopeSpans[${s}].spans[${i}]`;
        if (!HEX32.test(sp.traceId as string) || /^0+$/.test(sp.traceId as string)) out.push(`${a}: bad traceId`);
        if (!HEX16.test(sp.spanId as string) || /^0+$/.test(sp.spanId as string)) out.push(`${a}: bad spanId`);
        if (ids.has(sp.spanId as string)) out.push(`${a}: spanId used twice`);
        ids.set(sp.spanId as string, sp.traceId as string);
        if (sp.parentSpanId !== undefined) {
          if (!HEX16.test(sp.parentSpanId as string)) out.push(`${a}: bad parentSpanId`);
          parents.push({ at: a, trace: sp.traceId as string, parent: sp.parentSpanId as string });
        }
        if (typeof sp.name !== 'string' || sp.name === '') out.push(`${a}: no name`);
        if (!Number.isInteger(sp.kind) || (sp.kind as number) < 0 || (sp.kind as number) > 5) out.push(`${a}: bad kind`);
        if (!UINT64.test(sp.startTimeUnixNano as string) || !UINT64.test(sp.endTimeUnixNano as string))
          out.push(`${a}: times not uint64 strings`);
        else if (BigInt(sp.startTimeUnixNano as string) > BigInt(sp.endTimeUnixNano as string)) out.push(`${a}: ends before it starts`);
        attrs(sp.attributes, a);
        const st = sp.status as Ev | undefined;
        if (st && (!Number.isInteger(st.code) || (st.code as number) < 0 || (st.code as number) > 2)) out.push(`${a}: bad status code`);
      });
    });
  });
  for (const p of parents) if (ids.get(p.parent) !== p.trace) out.push(`${p.at}: parentSpanId is no span of its trace`);
  return out;
}
