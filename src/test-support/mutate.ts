// Seeded mutations of scenario text for the loader's fuzz test: lines, values, sizes, Unicode, anchors, truncation.
import seedrandom from 'seedrandom';
import { isMap, isScalar, isSeq, type Node, parseDocument, visit } from 'yaml';
import { maskCalls } from '../scenario/call-syntax.js';

/** A scenario's text after some mutations, and what was done (to reproduce a failing case by hand). */
export interface Mutated {
  text: string;
  steps: string[];
}

type Rng = () => number;

const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)];

/** Values that stress units, ranges and sizes: huge rates, counts and durations, tiny ones, wrong types. */
const HUGE_NUMBERS = [
  '0',
  '-1',
  '1e9',
  '1e12',
  '1e15',
  '1e300',
  '1e400',
  '999999999999',
  '9007199254740993',
  '0.000001',
  '1e-300',
  '-0',
  '.nan',
  '.inf',
  '-.inf',
  '0x7fffffff',
  '2.5',
];
const VALUES = [
  ...HUGE_NUMBERS,
  // durations, from nothing to years
  '0ms',
  '1ns',
  '1e-9ns',
  '8760h',
  '87600h',
  '1e9h',
  '1e15s',
  '-5ms',
  '5',
  '5 ms',
  '1e308h',
  // rates
  '1e9/s',
  '1e12/s',
  '1e-12/s',
  '0/s',
  '-1/s',
  '1/h',
  '3e10/m',
  '1e308/s',
  // probabilities
  '150%',
  '-1%',
  '1e-9%',
  '100%',
  '0%',
  // distributions
  'exp(mean=1e9h)',
  'exp(mean=1ns)',
  'exp(rate=1e12/s)',
  'lognormal(median=1ns, p99=1e9h)',
  'lognormal(mu=700, sigma=50)',
  'pareto(scale=1ms, shape=0.01)',
  'mix(0.5: 1ms, 0.5: 1e9h)',
  'percentiles(p50=1ms, p99=1e9h)',
  'uniform(min=0ms, max=1e9h)',
  'gamma(shape=1e-9, mean=1ms)',
  'gamma(shape=1e9, mean=1ms)',
  'normal(mean=1ms, sd=1e9h)',
  'erlang(k=1000000000, mean=1ms)',
  'mix(1e-9: 1ms, 0.999999999: 2ms)',
  'exp(mean=)',
  'exp(',
  'exp(mean=1ms))',
  'constant(constant(1ms))',
  // arrivals
  'poisson(1e9/s)',
  'constant(1e9/s)',
  'constant(1e12/s)',
  'poisson(1e-9/s)',
  'closed(users=1e9, think=0)',
  'closed(users=1000000, think=1ns)',
  'closed(users=100000, think=0)',
  'closed(users=0, think=1s)',
  // key spaces and caches
  'zipf(0)',
  'zipf(100)',
  'zipf(1e9)',
  'hotset(100% keys get 1% requests)',
  'hotset(0% keys get 100% requests)',
  // other types and shapes
  '',
  '~',
  'null',
  'true',
  'false',
  '[]',
  '{}',
  '[1, 2]',
  '{ a: 1 }',
  '[[[[]]]]',
  'unlimited',
  '"unlimited"',
  "'quoted'",
  '"a\\nb"',
  '"\\u0000"',
  '|\n  block',
  'x#0',
  'a.b',
  'a~b',
  'us-east/dc1',
  '/',
  '#',
  '&',
  '*',
  // Unicode
  'ｐｏｉｓｓｏｎ(４００/s)',
  'poisson(400/s)\u200b',
  '\u202eevil',
  '😀',
  'e\u0301',
  '\uFEFF1ms',
  '\u00a05ms',
  'caf\u00e9',
  '\uD800',
  'a\u2028b',
];
const ODD_UNICODE = [
  '\u200b',
  '\u200d',
  '\u202e',
  '\u00a0',
  '\uFEFF',
  '\u2028',
  '\u2029',
  '\u0085',
  '😀',
  '\u0301',
  '\uD800',
  '\uDFFF',
  '\uFFFE',
  '\uFFFF',
  '\u0001',
  '\u001b[31m',
  '\t',
  '\r',
  '\u3000',
  'ß',
  'İ',
  'ａ',
];
const PUNCTUATION = [
  '[',
  ']',
  '{',
  '}',
  ':',
  ',',
  '#',
  '&',
  '*',
  '!',
  '|',
  '>',
  "'",
  '"',
  '%',
  '@',
  '`',
  '-',
  '?',
  ' ',
  '\n',
  '(',
  ')',
  '=',
];

interface Spot {
  start: number;
  end: number;
  isKey: boolean;
  isCollection: boolean;
}

/** The spots of the last texts seen: every case starts from one of a few scenarios, so most lookups hit. */
const spotCache = new Map<string, Spot[]>();

/** Every scalar (key or value) and collection in the text, by its range. */
function spots(text: string): Spot[] {
  let found = spotCache.get(text);
  if (!found) {
    found = findSpots(text);
    if (spotCache.size > 64) spotCache.clear();
    spotCache.set(text, found);
  }
  return found;
}

function findSpots(text: string): Spot[] {
  const out: Spot[] = [];
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(maskCalls(text), { logLevel: 'silent', uniqueKeys: false });
  } catch {
    return out;
  }
  visit(doc, {
    Pair: (_, pair) => {
      if (isScalar(pair.key) && pair.key.range)
        out.push({ start: pair.key.range[0], end: pair.key.range[1], isKey: true, isCollection: false });
    },
    Scalar: (key, node) => {
      if (key !== 'key' && node.range) out.push({ start: node.range[0], end: node.range[1], isKey: false, isCollection: false });
    },
    Node: (key, node: Node) => {
      if (key !== 'key' && (isMap(node) || isSeq(node)) && node.range)
        out.push({ start: node.range[0], end: node.range[1], isKey: false, isCollection: true });
    },
  });
  return out.filter((s) => s.end > s.start && s.end <= text.length);
}

const nameCache = new Map<string, string[]>();

/** Names used in the scenario (services, endpoints, workloads, caches, regions), to build plausible references. */
function names(text: string): string[] {
  let found = nameCache.get(text);
  if (!found) {
    found = [...new Set(text.match(/\b[a-z][a-z0-9-]*(?:\.[a-z][a-z0-9-]*)?\b/g) ?? [])];
    if (nameCache.size > 64) nameCache.clear();
    nameCache.set(text, found);
  }
  return found;
}

const splice = (text: string, start: number, end: number, insert: string) => text.slice(0, start) + insert + text.slice(end);

type Mutator = (text: string, rng: Rng) => [string, string] | undefined;

const MUTATORS: Record<string, Mutator> = {
  deleteLine(text, rng) {
    const lines = text.split('\n');
    const i = Math.floor(rng() * lines.length);
    return [[...lines.slice(0, i), ...lines.slice(i + 1)].join('\n'), `delete line ${i + 1}`];
  },
  duplicateLine(text, rng) {
    const lines = text.split('\n');
    const i = Math.floor(rng() * lines.length);
    return [[...lines.slice(0, i + 1), ...lines.slice(i)].join('\n'), `duplicate line ${i + 1}`];
  },
  swapLines(text, rng) {
    const lines = text.split('\n');
    const i = Math.floor(rng() * lines.length);
    const j = Math.floor(rng() * lines.length);
    [lines[i], lines[j]] = [lines[j], lines[i]];
    return [lines.join('\n'), `swap lines ${i + 1} and ${j + 1}`];
  },
  reindent(text, rng) {
    const lines = text.split('\n');
    const i = Math.floor(rng() * lines.length);
    const delta = pick(rng, [-4, -2, -1, 1, 2, 4]);
    lines[i] = delta > 0 ? ' '.repeat(delta) + lines[i] : lines[i].replace(new RegExp(`^ {0,${-delta}}`), '');
    return [lines.join('\n'), `indent line ${i + 1} by ${delta}`];
  },
  setValue(text, rng) {
    const values = spots(text).filter((s) => !s.isKey);
    if (values.length === 0) return undefined;
    const s = pick(rng, values);
    const value = rng() < 0.2 ? (pick(rng, names(text)) ?? 'x') : pick(rng, VALUES);
    return [splice(text, s.start, s.end, value), `set the value at ${s.start} to ${JSON.stringify(value)}`];
  },
  hugeNumber(text, rng) {
    const numbers = [...text.matchAll(/\d+(?:\.\d+)?/g)];
    if (numbers.length === 0) return undefined;
    const m = pick(rng, numbers);
    const value = pick(rng, ['0', '1e9', '1e12', '1e15', '1e300', '999999999', '0.000000001', '4294967297', '1e9999']);
    return [splice(text, m.index!, m.index! + m[0].length, value), `number at ${m.index} to ${value}`];
  },
  renameKey(text, rng) {
    const keys = spots(text).filter((s) => s.isKey);
    if (keys.length === 0) return undefined;
    const s = pick(rng, keys);
    const old = text.slice(s.start, s.end);
    const i = Math.floor(rng() * Math.max(1, old.length - 1));
    const swapped = old.length > 1 ? old.slice(0, i) + old[i + 1] + old[i] + old.slice(i + 2) : `${old}x`;
    const value = pick(rng, [
      swapped,
      pick(rng, names(text)) ?? 'x',
      old.toUpperCase(),
      `${old}${pick(rng, ODD_UNICODE)}`,
      '"quoted key"',
      '? complex',
      '<<',
    ]);
    return [splice(text, s.start, s.end, value), `rename key ${JSON.stringify(old)} to ${JSON.stringify(value)}`];
  },
  truncate(text, rng) {
    const at = Math.floor(rng() * text.length);
    return [text.slice(0, at), `truncate at ${at}`];
  },
  unicode(text, rng) {
    const at = Math.floor(rng() * (text.length + 1));
    const u = pick(rng, ODD_UNICODE);
    return [splice(text, at, at, u), `insert ${JSON.stringify(u)} at ${at}`];
  },
  punctuation(text, rng) {
    const at = Math.floor(rng() * (text.length + 1));
    const p = pick(rng, PUNCTUATION);
    return rng() < 0.5
      ? [splice(text, at, at, p), `insert ${JSON.stringify(p)} at ${at}`]
      : [splice(text, at, at + 1, p), `replace the character at ${at} by ${JSON.stringify(p)}`];
  },
  anchorAlias(text, rng) {
    const all = spots(text).filter((s) => !s.isKey);
    if (all.length < 2) return undefined;
    const a = pick(rng, all);
    const b = pick(rng, all);
    const name = pick(rng, ['x', 'a1', 'base']);
    const kind = pick(rng, ['alias', 'alias', 'undefined', 'merge', 'self']);
    if (kind === 'undefined') return [splice(text, b.start, b.end, `*${name}`), `alias *${name} without an anchor at ${b.start}`];
    if (kind === 'self' && a.isCollection)
      return [
        splice(text, a.start, a.start, `&${name} `).replace(/(&\S+ [[{])/, `$1*${name}, `),
        `anchor at ${a.start} aliased inside itself`,
      ];
    // the alias goes after the anchor in the text, or refers forward (unresolved)
    const [first, second] = a.start < b.start ? [a, b] : [b, a];
    if (first.end > second.start) return undefined;
    const replaced = splice(text, second.start, second.end, kind === 'merge' ? `{ <<: *${name} }` : `*${name}`);
    return [splice(replaced, first.start, first.start, `&${name} `), `anchor &${name} at ${first.start}, ${kind} at ${second.start}`];
  },
  aliasBomb(text, rng) {
    const depth = 3 + Math.floor(rng() * 8);
    const lines = ['bomb0: &b0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i < depth; i++)
      lines.push(
        `bomb${i}: &b${i} [${Array(9)
          .fill(`*b${i - 1}`)
          .join(', ')}]`,
      );
    const at = rng() < 0.5 ? 0 : text.length;
    return [at === 0 ? `${lines.join('\n')}\n${text}` : `${text}\n${lines.join('\n')}\n`, `alias bomb of depth ${depth}`];
  },
  deepNesting(text, rng) {
    const values = spots(text).filter((s) => !s.isKey);
    if (values.length === 0) return undefined;
    const s = pick(rng, values);
    const n = pick(rng, [50, 70, 500, 5000]);
    return [splice(text, s.start, s.end, `${'['.repeat(n)}1${']'.repeat(n)}`), `nest ${n} lists at ${s.start}`];
  },
};

const KINDS = Object.keys(MUTATORS);
/** How often each kind is drawn: the structural and value mutations most, the rare ones less. */
const WEIGHTS: Record<string, number> = {
  setValue: 6,
  hugeNumber: 5,
  deleteLine: 3,
  duplicateLine: 2,
  swapLines: 2,
  reindent: 1,
  renameKey: 2,
  truncate: 1,
  unicode: 2,
  punctuation: 2,
  anchorAlias: 2,
  aliasBomb: 0.3,
  deepNesting: 0.3,
};
const TOTAL = KINDS.reduce((s, k) => s + WEIGHTS[k], 0);

function drawKind(rng: Rng): string {
  let r = rng() * TOTAL;
  for (const k of KINDS) if ((r -= WEIGHTS[k]) < 0) return k;
  return KINDS[0];
}

/** 1 to `maxSteps` seeded mutations of `text`: the same seed gives the same result. */
export function mutate(text: string, seed: string, maxSteps = 3): Mutated {
  const rng = seedrandom.xor4096(seed);
  const count = 1 + Math.floor(rng() * maxSteps);
  const steps: string[] = [];
  let out = text;
  for (let i = 0; i < count; i++) {
    const kind = drawKind(rng);
    const r = MUTATORS[kind](out, rng);
    if (!r) continue;
    [out] = r;
    steps.push(`${kind}: ${r[1]}`);
  }
  return { text: out, steps };
}

/** Paths a `--set` may take, some of them wrong: `$` is a name from the scenario. */
const SET_PATHS = [
  'services.$.replicas',
  'services.$.cores',
  'services.$.cpu',
  'services.$.queue',
  'services.$.endpoints.$.cpu',
  'services.$',
  'workloads[0].arrivals',
  'workloads.$.to',
  'workloads[9].to',
  'workloads.1',
  'caches.$.capacity',
  'keys.$.count',
  'regions.$',
  'duration',
  'warmup',
  'seed',
  'name',
  'services',
  'workloads',
  'a..b',
  'workloads[0',
  'services.$.calls[0]',
  'faults[0].at',
  'network.$',
];

/** 0 to 2 seeded `--set path=value` flags, some of them wrong, for the same scenario. */
export function mutateFlags(text: string, seed: string): string[] {
  const rng = seedrandom.xor4096(`${seed}:flags`);
  const count = rng() < 0.8 ? 0 : 1 + Math.floor(rng() * 2);
  const known = names(text);
  return Array.from({ length: count }, () => {
    const path = pick(rng, SET_PATHS).replaceAll('$', () => pick(rng, known) ?? 'x');
    const value = rng() < 0.2 ? (pick(rng, known) ?? 'x') : pick(rng, VALUES);
    return `${path}=${value}`;
  });
}
