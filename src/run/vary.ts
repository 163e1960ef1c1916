// `--vary path=values`: the values a sweep tries for one scenario field (1..8, 1..64x2, 10..100+10, 1,2,4,8, or texts), and their cross product.
import { type Override, parsePath, parseSetFlag } from '../scenario/overrides.js';
import type { Problem } from '../scenario/problems.js';

/** One varied field: its path as written, and the values in order (each as `--set` would read it). */
export interface Vary {
  /** As written: `services.payment.replicas`. */
  readonly path: string;
  /** The values as text (`4`, `poisson(200/s)`), in the order tried. */
  readonly texts: readonly string[];
  /** The values as read (`4` is a number, `poisson(200/s)` a text). */
  readonly values: readonly unknown[];
  /** The flag's value as the user wrote it (`services.payment.replicas=3..8`), for messages. */
  readonly flag?: string;
}

/** Values one --vary may list; a sweep's points (their product) are capped at MAX_POINTS. */
export const MAX_VALUES = 10_000;
export const MAX_POINTS = 100_000;

export const VARY_HINT =
  'path=values, such as services.api.replicas=1..8, =1..64x2 (doubling), =10..100+10, =1,2,4,8 or =poisson(200/s),poisson(400/s)';

/** Split on commas outside brackets: `poisson(200/s),mix(0.5: 1ms, 0.5: 2ms)` is two values. */
function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth = Math.max(0, depth - 1);
    else if (c === ',' && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(text.slice(start).trim());
  return out;
}

const NUM = String.raw`[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?`;
const RANGE = new RegExp(`^(${NUM})\\.\\.(${NUM})(?:([x+])(${NUM}))?$`);

/** `1..8`, `1..64x2` or `10..100+10` as numbers; a string says what is wrong; null when it is not a range. */
function range(text: string): number[] | string | null {
  const m = RANGE.exec(text.replace(/\s+/g, ''));
  if (!m) return null;
  const [lo, hi] = [Number(m[1]), Number(m[2])];
  const how = m[3] ?? '+';
  const step = m[4] === undefined ? 1 : Number(m[4]);
  if (hi < lo) return `a range from low to high, found ${text} (${hi} < ${lo})`;
  if (how === 'x' && !(step > 1 && lo > 0)) return `a doubling range such as 1..64x2 (a factor > 1 from a start > 0), found ${text}`;
  if (how === '+' && !(step > 0)) return `a step > 0, found ${text}`;
  const out: number[] = [];
  // in whole steps from the start, so that 0.1..0.5+0.1 gives 0.5 at the end and not 0.49999999
  for (let i = 0; out.length <= MAX_VALUES; i++) {
    const v = how === 'x' ? lo * step ** i : lo + i * step;
    const rounded = Number(v.toPrecision(12));
    if (rounded > hi) break;
    out.push(rounded);
  }
  if (out.length > MAX_VALUES) return `at most ${MAX_VALUES} values, found more in ${text}`;
  return out;
}

/** Read one `--vary path=values`; every problem is returned. */
export function parseVary(text: string): Vary | Problem {
  const where = `--vary ${text}`;
  const eq = text.indexOf('=');
  if (eq <= 0) return { path: [], expected: VARY_HINT, found: JSON.stringify(text), where };
  const pathText = text.slice(0, eq).trim();
  const path = parsePath(pathText);
  if (!path) return { path: [], expected: 'a path such as services.api.replicas', found: JSON.stringify(pathText), where };
  const valuesText = text.slice(eq + 1).trim();
  if (valuesText === '') return { path: [], expected: VARY_HINT, found: 'no values', where };
  const r = range(valuesText);
  if (r === null && /^[^(){}[\]]*\.\.[^(){}[\]]*$/.test(valuesText))
    return {
      path: [],
      expected: 'a range of numbers lo..hi (such as 1..8, 1..64x2, 10..100+10)',
      found: JSON.stringify(valuesText),
      where,
    };
  if (typeof r === 'string') return { path: [], expected: r.replace(/, found .*$/, ''), found: r.replace(/^.*, found /, ''), where };
  const texts = r ? r.map(String) : splitTopLevel(valuesText);
  if (texts.some((t) => t === ''))
    return { path: [], expected: 'values separated by single commas', found: JSON.stringify(valuesText), where };
  if (texts.length > MAX_VALUES) return { path: [], expected: `at most ${MAX_VALUES} values`, found: String(texts.length), where };
  const values: unknown[] = [];
  for (const t of texts) {
    const o = parseSetFlag(`${pathText}=${t}`);
    if (!('label' in o)) return { ...o, where };
    values.push(o.value);
  }
  return { path: pathText, texts, values, flag: text };
}

/** A point of a sweep: one value for each varied path, in the order of the --vary flags. */
export interface SweepPoint {
  /** `{ "services.payment.replicas": 3 }` */
  readonly set: Readonly<Record<string, unknown>>;
  /** The same as `--set` texts: `services.payment.replicas=3`. */
  readonly setTexts: readonly string[];
}

/** Every combination of the values, the first --vary changing slowest (as nested loops in flag order). */
export function crossProduct(varies: readonly Vary[]): SweepPoint[] {
  let points: { set: Record<string, unknown>; setTexts: string[] }[] = [{ set: {}, setTexts: [] }];
  for (const v of varies) {
    const next: typeof points = [];
    for (const p of points)
      for (let i = 0; i < v.values.length; i++)
        next.push({ set: { ...p.set, [v.path]: v.values[i] }, setTexts: [...p.setTexts, `${v.path}=${v.texts[i]}`] });
    points = next;
  }
  return points;
}

/** The overrides of a point, labelled as `--set` flags. */
export function pointOverrides(point: SweepPoint): Override[] {
  return point.setTexts.map((t) => parseSetFlag(t) as Override);
}
