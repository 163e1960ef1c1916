// Reads distribution values (`exp(mean=2ms)`, `percentiles(p50=1ms, p99=9ms)`, `mix(...)`, `5ms`) into DistSpec data.
import { type DistSpec, normalQuantile } from '../engine/distributions.js';
import { type Arg, type Call, type Expr, ExprSyntaxError, type Literal, parseExpr } from './expr.js';
import { suggest } from './suggest.js';
import { type Parsed, describe, fail, ok, parseDuration, parseNumber, parseProbability, parseRate } from './units.js';

export const DIST_HINT =
  'a duration (5ms) or a distribution: exp(mean=2ms), uniform(min=1ms, max=3ms), normal(mean=, sd=), lognormal(median=, p99=), gamma(shape=, mean=), erlang(k=, mean=), pareto(scale=, shape=), percentiles(p50=, p99=), mix(0.9: ..., 0.1: ...)';

const DISTRIBUTIONS = [
  'constant',
  'uniform',
  'exp',
  'exponential',
  'normal',
  'lognormal',
  'gamma',
  'erlang',
  'pareto',
  'percentiles',
  'mix',
];

/** Throwable form of a failed Parsed, used inside the recursive readers. */
class ValueError extends Error {
  constructor(
    readonly expected: string,
    readonly found: string,
    readonly offset: number,
  ) {
    super(expected);
  }
}

/** Parse a distribution value from YAML (a string, or 0). */
export function parseDistribution(input: unknown): Parsed<DistSpec> {
  if (typeof input === 'number') {
    const d = parseDuration(input);
    return d.ok ? ok({ kind: 'constant', valueMs: d.value }) : fail(DIST_HINT, d.found);
  }
  if (typeof input !== 'string') return fail(DIST_HINT, describe(input));
  return readWith(input, (e) => distFromExpr(e));
}

/** Run a reader over the parsed expression of `text`, turning syntax and value errors into a failed Parsed. */
export function readWith<T>(text: string, reader: (e: Expr) => T): Parsed<T> {
  try {
    return ok(reader(parseExpr(text)));
  } catch (err) {
    if (err instanceof ExprSyntaxError || err instanceof ValueError) return fail(err.expected, err.found, err.offset);
    throw err;
  }
}

/** Read a duration literal, throwing a positioned error. */
export function durationArg(e: Expr, what = 'a duration'): number {
  if (e.type !== 'literal') throw new ValueError(what, `${e.name}(...)`, e.offset);
  const d = parseDuration(e.text);
  if (!d.ok) throw new ValueError(d.expected, d.found, e.offset);
  return d.value;
}

export function rateArg(e: Expr): number {
  if (e.type !== 'literal') throw new ValueError('a rate such as 400/s', `${e.name}(...)`, e.offset);
  const r = parseRate(e.text);
  if (!r.ok) throw new ValueError(r.expected, r.found, e.offset);
  return r.value;
}

export function numberArg(e: Expr, expected: string, check: (n: number) => boolean): number {
  if (e.type !== 'literal') throw new ValueError(expected, `${e.name}(...)`, e.offset);
  const n = parseNumber(e.text, expected);
  if (!n.ok || !check(n.value)) throw new ValueError(expected, JSON.stringify(e.text), e.offset);
  return n.value;
}

/** Named arguments of a call, checked against the allowed names (with "did you mean"). */
export function namedArgs(call: Call, allowed: readonly string[]): Map<string, Arg> {
  const out = new Map<string, Arg>();
  for (const a of call.args) {
    if (a.key === undefined) {
      throw new ValueError(
        `named arguments (${allowed.map((k) => `${k}=`).join(', ')})`,
        a.value.type === 'literal' ? JSON.stringify(a.value.text) : `${a.value.name}(...)`,
        a.offset,
      );
    }
    if (!allowed.includes(a.key)) {
      throw new ValueError(
        `one of ${allowed.map((k) => `${k}=`).join(', ')}${suggest(a.key, allowed, ' (did you mean "%s="?)')}`,
        `"${a.key}="`,
        a.offset,
      );
    }
    if (out.has(a.key)) throw new ValueError(`${a.key}= once`, `a second ${a.key}=`, a.offset);
    out.set(a.key, a);
  }
  return out;
}

export function required(call: Call, args: Map<string, Arg>, key: string, form: string): Expr {
  const a = args.get(key);
  if (!a) throw new ValueError(`${call.name}(${form})`, `no ${key}=`, call.offset);
  return a.value;
}

/** The single positional (or `key=`) argument of a call like `constant(5ms)` or `poisson(400/s)`. */
export function singleArg(call: Call, key: string, form: string): Expr {
  if (call.args.length !== 1 || (call.args[0].key !== undefined && call.args[0].key !== key)) {
    throw new ValueError(`${call.name}(${form})`, `${call.args.length} argument(s)`, call.offset);
  }
  return call.args[0].value;
}

export function valueError(expected: string, found: string, offset: number): never {
  throw new ValueError(expected, found, offset);
}

function literalText(e: Expr): string {
  return JSON.stringify(e.text);
}

export function distFromExpr(e: Expr): DistSpec {
  if (e.type === 'literal') return { kind: 'constant', valueMs: durationArg(e, DIST_HINT) };
  const call = e;
  switch (call.name) {
    case 'constant':
      return { kind: 'constant', valueMs: durationArg(singleArg(call, 'value', 'value')) };
    case 'uniform': {
      const a = namedArgs(call, ['min', 'max']);
      const minMs = durationArg(required(call, a, 'min', 'min=, max='));
      const maxMs = durationArg(required(call, a, 'max', 'min=, max='));
      if (maxMs < minMs) valueError('max >= min', `max=${maxMs}ms < min=${minMs}ms`, call.offset);
      return { kind: 'uniform', minMs, maxMs };
    }
    case 'exp':
    case 'exponential': {
      const a = namedArgs(call, ['mean', 'rate']);
      if (a.has('mean') === a.has('rate'))
        valueError(`${call.name}(mean=<duration>) or ${call.name}(rate=<rate>)`, literalText(call), call.offset);
      const meanMs = a.has('mean') ? durationArg(a.get('mean')!.value) : 1000 / rateArg(a.get('rate')!.value);
      return positive({ kind: 'exponential', meanMs }, meanMs, 'mean > 0', call);
    }
    case 'normal': {
      const a = namedArgs(call, ['mean', 'sd']);
      const meanMs = durationArg(required(call, a, 'mean', 'mean=, sd='));
      const sdMs = durationArg(required(call, a, 'sd', 'mean=, sd='));
      return { kind: 'normal', meanMs, sdMs };
    }
    case 'lognormal':
      return lognormal(call);
    case 'gamma': {
      const a = namedArgs(call, ['shape', 'mean', 'scale']);
      const shape = numberArg(required(call, a, 'shape', 'shape=, mean= or scale='), 'a shape > 0', (n) => n > 0);
      if (a.has('mean') === a.has('scale')) valueError('gamma(shape=, mean=) or gamma(shape=, scale=)', literalText(call), call.offset);
      const scaleMs = a.has('scale') ? durationArg(a.get('scale')!.value) : durationArg(a.get('mean')!.value) / shape;
      return positive({ kind: 'gamma', shape, scaleMs }, scaleMs, 'a mean or scale > 0', call);
    }
    case 'erlang': {
      const a = namedArgs(call, ['k', 'mean']);
      const k = numberArg(required(call, a, 'k', 'k=, mean='), 'k, a whole number >= 1', (n) => Number.isInteger(n) && n >= 1);
      const meanMs = durationArg(required(call, a, 'mean', 'k=, mean='));
      return positive({ kind: 'gamma', shape: k, scaleMs: meanMs / k }, meanMs, 'mean > 0', call);
    }
    case 'pareto': {
      const a = namedArgs(call, ['scale', 'min', 'shape', 'alpha']);
      const scale = a.get('scale') ?? a.get('min');
      const shapeArg = a.get('shape') ?? a.get('alpha');
      if (!scale || !shapeArg) valueError('pareto(scale=<duration>, shape=<number>)', literalText(call), call.offset);
      const scaleMs = durationArg(scale.value);
      const shape = numberArg(shapeArg.value, 'a shape > 0', (n) => n > 0);
      return positive({ kind: 'pareto', scaleMs, shape }, scaleMs, 'scale > 0', call);
    }
    case 'percentiles':
      return percentiles(call);
    case 'mix':
      return mix(call);
    default:
      return valueError(
        `a distribution (${DISTRIBUTIONS.join(', ')})${suggest(call.name, DISTRIBUTIONS, ' (did you mean "%s"?)')}`,
        `"${call.name}(...)"`,
        call.offset,
      );
  }
}

function positive(d: DistSpec, x: number, expected: string, call: Call): DistSpec {
  if (!(x > 0)) valueError(expected, literalText(call), call.offset);
  return d;
}

const LOGNORMAL_TAILS: Record<string, number> = { p90: 0.9, p95: 0.95, p99: 0.99, p999: 0.999 };

function lognormal(call: Call): DistSpec {
  const a = namedArgs(call, ['median', 'p90', 'p95', 'p99', 'p999', 'mu', 'sigma', 'mean', 'sd']);
  const form = 'lognormal(median=, p99=), lognormal(mu=, sigma=) or lognormal(mean=, sd=)';
  if (a.has('median')) {
    const tails = Object.keys(LOGNORMAL_TAILS).filter((k) => a.has(k));
    if (tails.length !== 1 || a.size !== 2) valueError(form, literalText(call), call.offset);
    const median = durationArg(a.get('median')!.value);
    const tail = durationArg(a.get(tails[0])!.value);
    if (!(median > 0) || !(tail > median)) valueError(`0 < median < ${tails[0]}`, literalText(call), call.offset);
    const mu = Math.log(median);
    return { kind: 'lognormal', mu, sigma: (Math.log(tail) - mu) / normalQuantile(LOGNORMAL_TAILS[tails[0]]) };
  }
  if (a.has('mu')) {
    if (!a.has('sigma') || a.size !== 2) valueError(form, literalText(call), call.offset);
    const mu = numberArg(a.get('mu')!.value, 'mu, a number (the mean of ln(ms))', () => true);
    const sigma = numberArg(a.get('sigma')!.value, 'sigma, a number > 0', (n) => n > 0);
    return { kind: 'lognormal', mu, sigma };
  }
  if (a.has('mean') && a.has('sd') && a.size === 2) {
    const m = durationArg(a.get('mean')!.value);
    const sd = durationArg(a.get('sd')!.value);
    if (!(m > 0) || !(sd > 0)) valueError('mean > 0 and sd > 0', literalText(call), call.offset);
    const sigma2 = Math.log(1 + (sd * sd) / (m * m));
    return { kind: 'lognormal', mu: Math.log(m) - sigma2 / 2, sigma: Math.sqrt(sigma2) };
  }
  return valueError(form, literalText(call), call.offset);
}

const PERCENTILE_KEY = /^p(\d+(?:\.\d+)?)$/;

function percentiles(call: Call): DistSpec {
  const points: { q: number; valueMs: number }[] = [];
  for (const a of call.args) {
    const m = a.key === undefined ? null : PERCENTILE_KEY.exec(a.key);
    // p999 means 99.9, p9999 means 99.99 (as in report keys); p99.9 is accepted too
    let q = m ? Number(m[1]) : NaN;
    if (m && !m[1].includes('.') && m[1].length > 2 && m[1].startsWith('99')) q = Number(`99.${m[1].slice(2)}`);
    if (!(q >= 0 && q <= 100))
      valueError(
        'percentile arguments such as p50=2ms, p99=20ms (p0 to p100)',
        a.key === undefined ? literalText(a.value) : `"${a.key}="`,
        a.offset,
      );
    points.push({ q: q / 100, valueMs: durationArg(a.value) });
  }
  if (points.length === 0) valueError('at least one percentile, such as percentiles(p50=2ms, p99=20ms)', 'none', call.offset);
  const sorted = [...points].sort((x, y) => x.q - y.q);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].q === sorted[i - 1].q) valueError('each percentile once', `p${sorted[i].q * 100} twice`, call.offset);
    if (sorted[i].valueMs < sorted[i - 1].valueMs) {
      valueError(
        'values that grow with the percentile',
        `p${+(sorted[i].q * 100).toFixed(4)} < p${+(sorted[i - 1].q * 100).toFixed(4)}`,
        call.offset,
      );
    }
  }
  return { kind: 'percentiles', points: sorted };
}

function mix(call: Call): DistSpec {
  if (call.args.length === 0) valueError('mix(0.9: <dist>, 0.1: <dist>)', 'no parts', call.offset);
  const parts = call.args.map((a) => {
    if (!a.weight) valueError('a weighted part such as 0.99: exp(mean=2ms)', literalText(a.value), a.offset);
    const w = parseProbability((a.weight as Literal).text);
    if (!w.ok) valueError('a weight in [0, 1] or a percentage', w.found, a.offset);
    return { weight: w.value, dist: distFromExpr(a.value) };
  });
  const total = parts.reduce((s, p) => s + p.weight, 0);
  if (Math.abs(total - 1) > 1e-9) valueError('weights that add up to 1 (100%)', `a total of ${+total.toFixed(6)}`, call.offset);
  return { kind: 'mix', parts };
}
