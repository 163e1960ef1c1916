// Units of the scenario language: durations (ns us ms s m h), rates (/s /m /h) and probabilities (% or fraction).

/** The result of reading one value: either the value, or what was expected and where it went wrong. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; expected: string; found: string; offset: number };

export const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
export const fail = (expected: string, found: string, offset = 0): Parsed<never> => ({ ok: false, expected, found, offset });

const DURATION_UNITS_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const RATE_UNITS_PER_SEC: Record<string, number> = { s: 1, sec: 1, m: 1 / 60, min: 1 / 60, h: 1 / 3600 };

const NUMBER = String.raw`[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?`;
const DURATION_RE = new RegExp(`^(${NUMBER})\\s*(ns|us|µs|ms|s|m|h|d)$`);
const RATE_RE = new RegExp(`^(${NUMBER})\\s*/\\s*(s|sec|m|min|h)$`);
const PERCENT_RE = new RegExp(`^(${NUMBER})\\s*%$`);
const PLAIN_NUMBER_RE = new RegExp(`^${NUMBER}$`);

export const DURATION_HINT = 'a duration with a unit (ns, us, ms, s, m, h, d), such as 5ms';
export const RATE_HINT = 'a rate such as 400/s (units /s, /m, /h)';
export const PROBABILITY_HINT = 'a probability: a fraction in [0, 1] or a percentage such as 0.5%';

/** Text longer than this is shortened in messages. */
const LONG_TEXT = 80;

/** Describe a found value for an error message. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null (an empty value)';
  if (typeof value === 'string')
    return value.length > LONG_TEXT
      ? `${JSON.stringify(value.slice(0, LONG_TEXT / 2)).slice(0, -1)}..." (${value.length} characters)`
      : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return typeof value;
}

/** A duration in milliseconds; 0 may be written without a unit. */
export function parseDuration(input: unknown): Parsed<number> {
  if (input === 0 || input === '0') return ok(0);
  if (typeof input === 'number') return fail(DURATION_HINT, `${input} (a number without a unit)`);
  if (typeof input !== 'string') return fail(DURATION_HINT, describe(input));
  const text = input.trim();
  const m = DURATION_RE.exec(text);
  if (!m) {
    if (PLAIN_NUMBER_RE.test(text)) return fail(DURATION_HINT, `"${text}" (a number without a unit)`);
    return fail(DURATION_HINT, JSON.stringify(text));
  }
  const value = Number(m[1]) * DURATION_UNITS_MS[m[2]];
  if (!Number.isFinite(value) || value < 0) return fail('a duration >= 0', JSON.stringify(text));
  return ok(value);
}

export const MAX_RATE_PER_SEC = 1e12;

/** A rate in events per second, > 0. */
export function parseRate(input: unknown): Parsed<number> {
  if (typeof input !== 'string') return fail(RATE_HINT, describe(input));
  const text = input.trim();
  const m = RATE_RE.exec(text);
  if (!m) return fail(RATE_HINT, JSON.stringify(text));
  const value = Number(m[1]) * RATE_UNITS_PER_SEC[m[2]];
  if (!(value > 0) || !Number.isFinite(value)) return fail('a rate > 0', JSON.stringify(text));
  // a trillion a second is a nanosecond apart: finer, and the millisecond clock cannot tell arrivals apart
  if (value > MAX_RATE_PER_SEC)
    return fail('a rate of at most 1e12/s (finer than a nanosecond apart, the clock cannot tell arrivals apart)', JSON.stringify(text));
  return ok(value);
}

/** A probability in [0, 1], from a fraction or a percentage. */
export function parseProbability(input: unknown): Parsed<number> {
  let value: number;
  if (typeof input === 'number') value = input;
  else if (typeof input === 'string') {
    const text = input.trim();
    const m = PERCENT_RE.exec(text);
    if (m) value = Number(m[1]) / 100;
    else if (PLAIN_NUMBER_RE.test(text)) value = Number(text);
    else return fail(PROBABILITY_HINT, JSON.stringify(text));
  } else return fail(PROBABILITY_HINT, describe(input));
  if (!(value >= 0 && value <= 1)) return fail('a probability between 0 and 1 (0% to 100%)', describe(input));
  return ok(value);
}

/** A plain number (no unit). */
export function parseNumber(input: unknown, expected = 'a number'): Parsed<number> {
  if (typeof input === 'number' && Number.isFinite(input)) return ok(input);
  if (typeof input === 'string' && PLAIN_NUMBER_RE.test(input.trim())) return ok(Number(input.trim()));
  return fail(expected, describe(input));
}

const BANDWIDTH_RE = new RegExp(`^(${NUMBER})\\s*(bps|Kbps|Mbps|Gbps|Tbps)$`);
const BANDWIDTH_UNITS: Record<string, number> = { bps: 1, Kbps: 1e3, Mbps: 1e6, Gbps: 1e9, Tbps: 1e12 };
export const BANDWIDTH_HINT = 'a bandwidth such as 10Gbps (bps, Kbps, Mbps, Gbps, Tbps)';

/** A bandwidth in bits per second, > 0. */
export function parseBandwidth(input: unknown): Parsed<number> {
  if (typeof input !== 'string') return fail(BANDWIDTH_HINT, describe(input));
  const m = BANDWIDTH_RE.exec(input.trim());
  if (!m) return fail(BANDWIDTH_HINT, JSON.stringify(input));
  const value = Number(m[1]) * BANDWIDTH_UNITS[m[2]];
  return value > 0 && Number.isFinite(value) ? ok(value) : fail('a bandwidth > 0', JSON.stringify(input));
}
