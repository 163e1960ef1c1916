// Scenario loading: YAML text -> overrides -> validated, frozen ScenarioSpec, or every problem at once.
import { readFileSync } from 'node:fs';
import { type Alias, type Document, LineCounter, type Node, isMap, isSeq, parseDocument, visit } from 'yaml';
import { maskCalls, unmaskString, unmaskValue } from './call-syntax.js';
import { type Override, applyOverrides } from './overrides.js';
import { positionOf } from './positions.js';
import { type PathSegment, type Problem, ScenarioError, inFile, problemsFromZod } from './problems.js';
import { readFaults } from './sections/faults.js';
import { cacheEntries, cacheSpec, checkCacheMemory, checkCaches, keySpaceSpec, sharedCacheService } from './sections/caches.js';
import { endpointsOf, resolveTarget } from './raw.js';
import { checkReferences } from './sections/core.js';
import { checkSizes } from './sections/sizes.js';
import { describe } from './units.js';
import { DEFAULT_DELAYS, DEFAULT_PRICE_PER_GB, checkTopology, linkKey, regionsOf } from './sections/topology.js';
import { type CallInput, type EndpointInput, type ScenarioInput, scenarioSchema } from './schema.js';
import { BREAKER_PRESETS, type BreakerConfig } from './breaker-presets.js';
import type {
  BreakerSpec,
  CacheSpec,
  CallSpec,
  OnWrite,
  EndpointSpec,
  Jitter,
  Locality,
  NetworkSpec,
  RetryOn,
  RetrySpec,
  ScenarioSpec,
  ServiceSpec,
  Transport,
  WorkloadSpec,
} from './spec.js';
import { DEFAULT_ENDPOINT } from './spec.js';

export const DEFAULT_DURATION_MS = 60_000;
export const DEFAULT_SEED = 1;
const MAX_DURATION_MS = 3650 * 86_400_000;

/** Aliases may expand to at most this many copies of their anchors (the yaml library's maxAliasCount). */
export const MAX_ALIAS_COPIES = 100;
/** Mappings and lists nested deeper than this are refused (a scenario needs about ten levels). */
export const MAX_NESTING = 64;

/** Read and load a scenario file. Throws ScenarioError (never a raw exception) for anything wrong with it. */
export function loadScenarioFile(file: string, overrides: readonly Override[] = []): ScenarioSpec {
  return loadScenarioBytes(readScenarioFile(file), file, overrides);
}

/** The bytes of a scenario file, or a ScenarioError saying why it cannot be read. */
export function readScenarioFile(file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const found = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory' : `an unreadable file (${code ?? String(err)})`;
    throw new ScenarioError([{ path: [], expected: 'a readable scenario file (YAML)', found, where: file, file }]);
  }
}

/** Load a scenario from the bytes of a file (or of stdin): refused unless they are UTF-8 text. */
export function loadScenarioBytes(bytes: Uint8Array, file: string, overrides: readonly Override[] = []): ScenarioSpec {
  return loadScenarioText(decodeScenarioText(bytes, file), file, overrides);
}

/** UTF-8 text (a byte-order mark is dropped), or a ScenarioError saying what the bytes are instead. */
export function decodeScenarioText(bytes: Uint8Array, file: string): string {
  const refuse = (expected: string, found: string, line = 1, column = 1): never => {
    throw new ScenarioError([{ path: [], expected, found, ...inFile(file, line, column) }]);
  };
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
    refuse('a scenario file (YAML text in UTF-8)', 'UTF-16 text');
  if (bytes.includes(0)) refuse('a scenario file (YAML text)', 'a binary file');
  const bad = firstInvalidUtf8(bytes);
  if (bad < 0) return new TextDecoder('utf-8').decode(bytes);
  // mostly control characters and invalid sequences: not text at all
  const head = bytes.subarray(0, 4096);
  let odd = 0;
  for (let i = 0; i < head.length; i++)
    if ((head[i] < 0x20 && head[i] !== 0x09 && head[i] !== 0x0a && head[i] !== 0x0d) || head[i] >= 0xf8) odd++;
  if (odd > head.length / 10) refuse('a scenario file (YAML text)', 'a binary file');
  const before = bytes.subarray(0, bad);
  const lineStart = before.lastIndexOf(0x0a) + 1;
  const line = before.reduce((n, b) => n + (b === 0x0a ? 1 : 0), 1);
  const column = new TextDecoder('utf-8').decode(before.subarray(lineStart)).length + 1;
  return refuse(
    'a scenario file (YAML text in UTF-8)',
    `a byte that is not UTF-8 (0x${bytes[bad].toString(16).padStart(2, '0')})`,
    line,
    column,
  );
}

/** Offset of the first byte that does not belong to a well-formed UTF-8 sequence, or -1. */
function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    // [length, smallest and largest second byte] of each lead byte (no overlongs, surrogates or > U+10FFFF)
    const [n, lo, hi] =
      c >= 0xc2 && c <= 0xdf
        ? [2, 0x80, 0xbf]
        : c === 0xe0
          ? [3, 0xa0, 0xbf]
          : c === 0xed
            ? [3, 0x80, 0x9f]
            : c >= 0xe1 && c <= 0xef
              ? [3, 0x80, 0xbf]
              : c === 0xf0
                ? [4, 0x90, 0xbf]
                : c === 0xf4
                  ? [4, 0x80, 0x8f]
                  : c >= 0xf1 && c <= 0xf3
                    ? [4, 0x80, 0xbf]
                    : [0, 0, 0];
    if (n === 0 || i + n > b.length || b[i + 1] < lo || b[i + 1] > hi) return i;
    for (let k = 2; k < n; k++) if (b[i + k] < 0x80 || b[i + k] > 0xbf) return i;
    i += n;
  }
  return -1;
}

/** Load scenario YAML text; `file` names it in messages. */
export function loadScenarioText(text: string, file: string, overrides: readonly Override[] = []): ScenarioSpec {
  if (text.includes('\0'))
    throw new ScenarioError([{ path: [], expected: 'a scenario file (YAML text)', found: 'a binary file', ...inFile(file, 1, 1) }]);
  const lines = new LineCounter();
  const doc = parseDocument(maskCalls(text), { lineCounter: lines, prettyErrors: false, uniqueKeys: true, logLevel: 'error' });
  if (doc.errors.length > 0) throw new ScenarioError(syntaxProblems(doc, lines, file));
  const raw: unknown = unmaskValue(toData(doc, lines, file));
  if (raw === null || raw === undefined) {
    throw new ScenarioError([
      { path: [], expected: 'a mapping with name, workloads and services', found: 'an empty file', ...inFile(file, 1, 1) },
    ]);
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ScenarioError([
      {
        path: [],
        expected: 'a mapping with name, workloads and services',
        found: Array.isArray(raw) ? 'a list' : `a single value (${describe(raw)})`,
        ...inFile(file, 1, 1),
      },
    ]);
  }

  const { data, resolved, problems } = applyOverrides(raw as Record<string, unknown>, overrides);
  const parsed = scenarioSchema.safeParse(data, { reportInput: true });
  if (!parsed.success) problems.push(...problemsFromZod(parsed.error.issues).map((p) => ({ ...p, path: pathInData(data, p.path) })));
  problems.push(...checkReferences(data));
  problems.push(...checkTopology(data));
  problems.push(...checkCaches(data));
  problems.push(...checkSizes(data));
  if (parsed.success) problems.push(...checkTimes(parsed.data));
  let faults: ReturnType<typeof readFaults>['faults'] = [];
  if (parsed.success) {
    // fault targets need only names, endpoints and replica counts: checked with everything else
    const endpoints = endpointsOf(data);
    const replicaCount = (r: number | Record<string, number> | undefined) =>
      typeof r === 'object' ? Object.values(r).reduce((a, b) => a + b, 0) : (r ?? 1);
    const services = Object.fromEntries([
      ...Object.entries(parsed.data.services).map(
        ([name, svc]) =>
          [
            name,
            { replicas: replicaCount(svc.replicas), endpoints: Object.fromEntries((endpoints.get(name) ?? []).map((e) => [e, true])) },
          ] as const,
      ),
      ...Object.entries(parsed.data.caches ?? {})
        .filter(([, c]) => c.kind === 'shared')
        .map(([name, c]) => [name, { replicas: replicaCount(c.replicas), endpoints: { get: true, set: true, del: true } }] as const),
    ]);
    const f = readFaults(parsed.data.faults ?? [], { services, regions: regionsOf(data) });
    problems.push(...f.problems);
    faults = f.faults;
  }

  /** Give every problem its place: file:line:column, or the --set flag it came from. */
  const refuse = (found: Problem[]): never => {
    for (const p of found) {
      if (p.where) continue;
      const override = resolved.find((o) => startsWith(p.path, o.path) || startsWith(o.path, p.path));
      const pos = positionOf(doc, lines, p.path, { atKey: p.atKey, offset: p.offset });
      if (override && (!pos.exact || startsWith(p.path, override.path))) {
        p.where = override.label;
      } else {
        Object.assign(p, inFile(file, pos.line, pos.column));
      }
    }
    throw new ScenarioError(sortProblems(found));
  };
  if (problems.length > 0) refuse(problems);
  const spec = { ...buildSpec(parsed.data!, data), faults };
  // these need the built spec (replicas, which endpoints use which cache), so they come last
  for (const [name, c] of Object.entries(spec.caches))
    (spec.caches as Record<string, CacheSpec>)[name] = { ...c, entriesPerCopy: cacheEntries(name, spec).perCopy };
  const memory = checkCacheMemory(spec);
  if (memory.length > 0) refuse(memory);
  return deepFreeze(spec);
}

/** Reported syntax errors: after a few, the rest are mostly knock-on effects of the first (a broken structure makes every later token unexpected). */
const MAX_SYNTAX_ERRORS = 5;

/** YAML syntax errors as problems: the first on each line, at most MAX_SYNTAX_ERRORS and a count of the rest. */
function syntaxProblems(doc: Document, lines: LineCounter, file: string): Problem[] {
  const at = (e: Document['errors'][number]) => e.linePos?.[0] ?? lines.linePos(e.pos[0]);
  // a stack overflow in the parser brings a train of follow-on errors: the first says it all
  const deep = doc.errors.find((e) => /call stack/i.test(e.message));
  if (deep)
    return [{ path: [], expected: 'valid YAML', found: 'collections nested too deeply', ...inFile(file, at(deep).line, at(deep).col) }];
  const byLine = new Map<number, Document['errors'][number]>();
  for (const e of [...doc.errors].sort((a, b) => a.pos[0] - b.pos[0])) if (!byLine.has(at(e).line)) byLine.set(at(e).line, e);
  const first = [...byLine.values()];
  const problems: Problem[] = first.slice(0, MAX_SYNTAX_ERRORS).map((e) => {
    // the parser quotes the unexpected token, which may be a long stretch of the file
    const found = unmaskString(e.message.split('\n')[0])
      .replace(/ at line \d+, column \d+:?$/, '')
      .replace(/"(.*)"$/, (_, token: string) => describe(token));
    return { path: [], expected: 'valid YAML', found, ...inFile(file, at(e).line, at(e).col) };
  });
  if (first.length > MAX_SYNTAX_ERRORS) {
    const next = at(first[MAX_SYNTAX_ERRORS]);
    const rest = doc.errors.filter((e) => e.pos[0] >= first[MAX_SYNTAX_ERRORS].pos[0]).length;
    problems.push({
      path: [],
      expected: 'valid YAML',
      found: `${rest} more syntax errors from here on (often knock-on effects of the ones above)`,
      ...inFile(file, next.line, next.col),
    });
  }
  return problems;
}

/** The document as plain data; aliases that cannot be resolved or that expand too much, and too deep nesting, are problems. */
function toData(doc: Document, lines: LineCounter, file: string): unknown {
  const at = (node: Node | undefined) => {
    const { line, col } = lines.linePos(node?.range?.[0] ?? 0);
    return inFile(file, line, col);
  };
  const keys: Problem[] = [];
  visit(doc, {
    Pair: (_, pair) => {
      if (isMap(pair.key) || isSeq(pair.key))
        keys.push({ path: [], expected: 'text as a key', found: isMap(pair.key) ? 'a mapping' : 'a list', ...at(pair.key) });
    },
  });
  if (keys.length > 0) throw new ScenarioError(keys);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COPIES });
  } catch (err) {
    if (!(err instanceof ReferenceError)) throw err;
    const aliases: Alias[] = [];
    const anchored = new Map<string, Node>();
    const defined = new Set<string>();
    let unresolved: Alias | undefined;
    visit(doc, {
      Alias: (_, node) => {
        aliases.push(node);
        if (!defined.has(node.source)) unresolved ??= node;
      },
      Node: (_, node) => {
        if (node.anchor) {
          defined.add(node.anchor);
          anchored.set(node.anchor, node);
        }
      },
    });
    if (unresolved) {
      throw new ScenarioError([
        {
          path: [],
          expected: `an alias of an anchor defined before it (&${unresolved.source})`,
          found: `*${unresolved.source} without one`,
          ...at(unresolved),
        },
      ]);
    }
    // the bomb starts at the first alias of an anchor that itself holds aliases
    const holdsAliases = (node: Node | undefined) => {
      let found = false;
      if (node)
        visit(node, {
          // biome-ignore lint/correctness/noComponentHookFactories: a YAML visitor key, not a React component
          Alias: () => {
            found = true;
            return visit.BREAK;
          },
        });
      return found;
    };
    const first = aliases.find((a) => holdsAliases(anchored.get(a.source))) ?? aliases[0];
    throw new ScenarioError([
      {
        path: [],
        expected: `YAML whose aliases expand to at most ${MAX_ALIAS_COPIES} copies`,
        found: 'aliases that expand to more (an alias bomb)',
        ...at(first),
      },
    ]);
  }
  // measured without recursion, so that no depth can overflow the stack
  const stack: { value: unknown; path: PathSegment[] }[] = [{ value: data, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    // plain mappings and lists only (a !!binary value is bytes, not thousands of entries)
    if (!value || typeof value !== 'object' || ArrayBuffer.isView(value)) continue;
    if (path.length >= MAX_NESTING) {
      const pos = positionOf(doc, lines, path);
      throw new ScenarioError([
        {
          path: [],
          expected: `mappings and lists nested at most ${MAX_NESTING} levels deep`,
          found: 'deeper nesting',
          ...inFile(file, pos.line, pos.column),
        },
      ]);
    }
    for (const [k, v] of Object.entries(value)) stack.push({ value: v, path: [...path, Array.isArray(value) ? Number(k) : k] });
  }
  return data;
}

/** The schema sees a lone call as a one-call list and `svc.ep` as `{ to: svc.ep }`; name paths as the file has them. */
function pathInData(data: unknown, path: readonly PathSegment[]): PathSegment[] {
  const out: PathSegment[] = [];
  let node = data;
  for (const seg of path) {
    if (typeof seg === 'number' && !Array.isArray(node)) continue;
    if (typeof seg === 'string' && typeof node === 'string') continue;
    out.push(seg);
    node = node && typeof node === 'object' ? (node as Record<string | number, unknown>)[seg] : undefined;
  }
  return out;
}

function startsWith(path: readonly PathSegment[], prefix: readonly PathSegment[]): boolean {
  return prefix.length <= path.length && prefix.every((s, i) => String(s) === String(path[i]));
}

function sortProblems(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems
    .filter((p) => {
      const key = `${p.where}|${p.path.join('.')}|${p.expected}|${p.found}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity) || (a.column ?? 0) - (b.column ?? 0));
}

function checkTimes(s: ScenarioInput): Problem[] {
  const problems: Problem[] = [];
  const durationMs = s.duration ?? DEFAULT_DURATION_MS;
  if (!(durationMs > 0)) problems.push({ path: ['duration'], expected: 'a duration > 0', found: `${durationMs}ms` });
  // beyond ten years the clock (milliseconds in a double) is coarser than a microsecond
  if (durationMs > MAX_DURATION_MS)
    problems.push({
      path: ['duration'],
      expected: 'a duration of at most 10 years, 87600h (the clock loses sub-microsecond resolution beyond)',
      found: `${Number((durationMs / 3_600_000).toPrecision(3))}h`,
    });
  if (s.warmup !== undefined && s.warmup >= durationMs) {
    problems.push({
      path: ['warmup'],
      expected: `a warm-up shorter than the duration (${durationMs / 1000}s)`,
      found: `${s.warmup / 1000}s`,
    });
  }
  if (s.slo && Object.keys(s.slo).length === 0)
    problems.push({ path: ['slo'], expected: 'at least one objective (p50, p90, p95, p99, p999, errorRate)', found: 'an empty mapping' });
  s.workloads.forEach((w, i) => {
    if (w.schedule && w.arrivals.kind === 'closed') {
      problems.push({
        path: ['workloads', i, 'schedule'],
        expected: 'a schedule only on open-loop arrivals (poisson or constant)',
        found: 'a schedule on closed(...)',
        atKey: true,
      });
    }
    w.schedule?.forEach((p, j) => {
      if (j > 0 && p.at < w.schedule![j - 1].at) {
        problems.push({
          path: ['workloads', i, 'schedule', j, 'at'],
          expected: 'schedule points in time order',
          found: `${p.at / 1000}s after ${w.schedule![j - 1].at / 1000}s`,
        });
      }
    });
  });
  return problems;
}

function buildSpec(s: ScenarioInput, data: Record<string, unknown>): ScenarioSpec {
  const endpoints = endpointsOf(data);
  const target = (text: string) => {
    const r = resolveTarget(text, endpoints);
    if (!('service' in r)) throw new Error(`internal: unresolved target ${text}`);
    return r;
  };
  const endpointSpec = (e: EndpointInput): EndpointSpec => ({
    keys: e.keys ?? null,
    cache: e.cache ?? [],
    onWrite: (e.onWrite as OnWrite | undefined) ?? null,
    cpu: e.cpu ?? { kind: 'constant', valueMs: 0 },
    errors: e.errors ?? 0,
    steps: (e.calls ?? []).map((step) =>
      step.map(
        (c): CallSpec => ({
          ...target(c.to),
          probability: c.probability ?? 1,
          locality: (c.locality as Locality | undefined) ?? null,
          transport: ((c.transport ?? s.rpc?.transport) as Transport | undefined) ?? 'tcp',
          timeoutMs: c.timeout ?? null,
          retry: retrySpec(c.retry),
          breaker: breakerSpec(c.breaker),
          hedge: c.hedge ? { ...c.hedge.after, max: c.hedge.max ?? 1 } : null,
          bulkhead: c.bulkhead ? { maxConcurrent: c.bulkhead.maxConcurrent, queue: c.bulkhead.queue ?? 0 } : null,
          fallback: c.fallback ? { cpu: c.fallback.cpu ?? { kind: 'constant', valueMs: 0 } } : null,
        }),
      ),
    ),
    requestKB: e.requestKB ?? 0,
    responseKB: e.responseKB ?? 0,
  });
  const regions = regionsOf(data);
  const [firstRegion, firstDcs] = Object.entries(regions)[0];
  const defaultLocation = `${firstRegion}/${firstDcs[0]}`;
  const services: Record<string, ServiceSpec> = {};
  for (const [name, svc] of Object.entries(s.services)) {
    const eps: Record<string, EndpointSpec> = {};
    if (svc.endpoints) for (const [e, ep] of Object.entries(svc.endpoints)) eps[e] = endpointSpec(ep);
    else eps[DEFAULT_ENDPOINT] = endpointSpec(svc);
    const placement =
      typeof svc.replicas === 'object'
        ? Object.entries(svc.replicas).map(([location, n]) => ({ location, replicas: n }))
        : [{ location: defaultLocation, replicas: svc.replicas ?? 1 }];
    services[name] = {
      replicas: placement.reduce((sum, p) => sum + p.replicas, 0),
      placement,
      locality: (svc.locality as Locality | undefined) ?? 'none',
      cores: svc.cores ?? 1,
      concurrency: svc.concurrency === undefined || svc.concurrency === 'unlimited' ? null : svc.concurrency,
      queue: svc.queue === undefined || svc.queue === 'unlimited' ? null : svc.queue,
      balancer: (svc.balancer ?? 'round-robin') as ServiceSpec['balancer'],
      // Envoy's defaults: 5 consecutive 5xx, 30 s base ejection, at most 10% ejected
      outlier: svc.outlier
        ? {
            consecutiveErrors: svc.outlier.consecutiveErrors ?? 5,
            ejectForMs: svc.outlier.ejectFor ?? 30_000,
            maxEjectedPercent: svc.outlier.maxEjectedPercent ?? 0.1,
          }
        : null,
      rateLimit: svc.rateLimit
        ? { ratePerSec: svc.rateLimit.rate, burst: svc.rateLimit.burst ?? Math.max(1, Math.ceil(svc.rateLimit.rate / 10)) }
        : null,
      cache: null,
      endpoints: eps,
    };
  }
  const caches = Object.fromEntries(Object.entries(s.caches ?? {}).map(([name, c]) => [name, cacheSpec(name, c)]));
  for (const [name, c] of Object.entries(s.caches ?? {}))
    if (c.kind === 'shared') services[name] = sharedCacheService(caches[name], c, defaultLocation);
  const workloads = s.workloads.map(
    (w): WorkloadSpec => ({
      name: w.name,
      from: w.from ?? services[target(w.to).service].placement[0].location,
      ...target(w.to),
      arrivals: w.arrivals,
      schedule: (w.schedule ?? []).map((p) => ({ atMs: p.at, ratePerSec: p.rate, rampMs: p.ramp ?? 0 })),
    }),
  );
  return {
    name: s.name,
    description: s.description ?? '',
    seed: s.seed ?? DEFAULT_SEED,
    durationMs: s.duration ?? DEFAULT_DURATION_MS,
    warmupMs: s.warmup ?? 0,
    workloads,
    services,
    slo: s.slo
      ? {
          latencyMs: Object.fromEntries(
            (['p50', 'p90', 'p95', 'p99', 'p999'] as const).filter((k) => s.slo![k] !== undefined).map((k) => [k, s.slo![k]!]),
          ),
          errorRate: s.slo.errorRate ?? null,
        }
      : null,
    regions,
    network: s.network
      ? ({
          delay: {
            sameDatacenter: s.network.sameDatacenter ?? DEFAULT_DELAYS.sameDatacenter,
            crossDatacenter: s.network.crossDatacenter ?? DEFAULT_DELAYS.crossDatacenter,
            crossRegion: s.network.crossRegion ?? DEFAULT_DELAYS.crossRegion,
          },
          links: Object.fromEntries(
            Object.entries(s.network.links ?? {}).map(([k, d]) => [linkKey(...(k.split('~') as [string, string])), d]),
          ),
          pricePerGB: { ...DEFAULT_PRICE_PER_GB, ...s.network.pricePerGB },
          bandwidthBps: {
            sameDatacenter: s.network.bandwidth?.sameDatacenter ?? null,
            crossDatacenter: s.network.bandwidth?.crossDatacenter ?? null,
            crossRegion: s.network.bandwidth?.crossRegion ?? null,
          },
          loss: {
            sameDatacenter: s.network.loss?.sameDatacenter ?? 0,
            crossDatacenter: s.network.loss?.crossDatacenter ?? 0,
            crossRegion: s.network.loss?.crossRegion ?? 0,
          },
          linkLoss: Object.fromEntries(
            Object.entries(s.network.loss ?? {})
              .filter(([k]) => k.includes('~'))
              .map(([k, p]) => [linkKey(...(k.split('~') as [string, string])), p]),
          ),
          retransmitTimeoutMs: s.network.retransmitTimeout ?? 200,
        } satisfies NetworkSpec)
      : null,
    discoveryDelayMs: s.discovery?.delay ?? 0,
    faults: [],
    keys: Object.fromEntries(Object.entries(s.keys ?? {}).map(([name, k]) => [name, keySpaceSpec(name, k)])),
    caches,
    rpc: s.rpc
      ? {
          overheadMs: s.rpc.overhead ?? 0,
          perKBMs: s.rpc.perKB ?? 0,
          // a copy through shared memory: about 1 us to hand over, 0.1 us a KB (memcpy at ~10 GB/s)
          shmOverheadMs: s.rpc.shm?.overhead ?? 0.001,
          shmPerKBMs: s.rpc.shm?.perKB ?? 0.0001,
        }
      : null,
  };
}

function breakerSpec(b: CallInput['breaker']): BreakerSpec | null {
  if (!b) return null;
  const preset = b.preset ?? 'resilience4j';
  const base = BREAKER_PRESETS[preset];
  const window: Pick<BreakerConfig, 'windowKind' | 'windowSize'> = b.window ?? base;
  const config: BreakerConfig = {
    ...base,
    windowKind: window.windowKind,
    windowSize: window.windowSize,
    // a count window smaller than the preset's minimum is judged once full
    minCalls: b.minCalls ?? (window.windowKind === 'count' ? Math.min(base.minCalls, window.windowSize) : base.minCalls),
    failureRate: b.failureRate ?? base.failureRate,
    slowCallMs: b.slowCall ? b.slowCall.duration : base.slowCallMs,
    slowCallRate: b.slowCall?.rate ?? base.slowCallRate,
    openMs: b.open ?? base.openMs,
    halfOpenCalls: b.halfOpenCalls ?? base.halfOpenCalls,
  };
  return { preset, config, scope: b.scope ?? 'replica' };
}

function retrySpec(r: CallInput['retry']): RetrySpec | null {
  if (!r) return null;
  return {
    attempts: r.attempts,
    backoff: r.backoff ?? { kind: 'exponential', baseMs: 25, capMs: 1000 },
    jitter: (r.jitter as Jitter | undefined) ?? 'full',
    on: (r.on as RetryOn[] | undefined) ?? ['error', 'timeout'],
    budget: r.budget ? { ratio: r.budget.ratio, minPerSec: r.budget.minPerSec ?? 10 } : null,
    adaptive: r.adaptive ? { tokensPerSuccess: r.adaptive.tokensPerSuccess ?? 0.1, capacity: r.adaptive.capacity ?? 10 } : null,
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
