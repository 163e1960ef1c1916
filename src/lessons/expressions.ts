// The lesson language: objectives on a report (`latencyMs.p99 < 200ms`) and constraints on a scenario (`replicas <= 8`).
import { valuesAt } from '../observe/value-paths.js';
import { parseDuration } from '../scenario/units.js';

export { valuesAt };

export type Comparison = '<' | '<=' | '>' | '>=' | '==' | '!=';

/** `path op limit`: the path into a report (objectives) or a spec (constraints), `*` matching every key. */
export interface Expression {
  /** As written. */
  readonly text: string;
  /** An aggregate over the matches (sum, max, min, count), or none: then every match must satisfy it. */
  readonly aggregate: 'sum' | 'max' | 'min' | 'count' | null;
  readonly path: readonly string[];
  readonly op: Comparison;
  readonly limit: number;
  /** The limit as written (`200ms`, `70%`, `8`). */
  readonly limitText: string;
}

// a path's characters: names, dots, [i], * and the -> of an edge's name (`edges.gateway->cart.retries`)
const EXPRESSION = /^\s*(?:(sum|max|min|count)\(\s*([^)]+?)\s*\)|((?:->|[A-Za-z0-9_*.[\]-])+))\s*(<=|>=|==|!=|<|>)\s*(\S+)\s*$/;

/** A limit: a number, a percentage (70% is 0.7), or a duration in milliseconds (200ms, 1.5s). */
function parseLimit(text: string): number | null {
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) return Number(text);
  const pct = /^([+-]?(?:\d+\.?\d*|\.\d+))%$/.exec(text);
  if (pct) return Number(pct[1]) / 100;
  const d = parseDuration(text);
  return d.ok ? d.value : null;
}

/** Read one expression; a string says what is wrong with it. */
export function parseExpression(text: string): Expression | string {
  const m = EXPRESSION.exec(text);
  if (!m) return `expected "<path> <op> <limit>" such as latencyMs.p99 < 200ms or sum(services.*.replicas) <= 8, found "${text}"`;
  const limit = parseLimit(m[5]);
  if (limit === null) return `expected a limit (a number, 70%, or a duration such as 200ms), found "${m[5]}" in "${text}"`;
  const pathText = m[2] ?? m[3];
  const path = pathText.replace(/\[(\d+)\]/g, '.$1').split('.');
  if (path.some((p) => p === '')) return `expected a dotted path such as services.payment.utilization, found "${pathText}"`;
  return { text: text.trim(), aggregate: (m[1] as Expression['aggregate']) ?? null, path, op: m[4] as Comparison, limit, limitText: m[5] };
}

export function compare(value: number, op: Comparison, limit: number): boolean {
  switch (op) {
    case '<':
      return value < limit;
    case '<=':
      return value <= limit;
    case '>':
      return value > limit;
    case '>=':
      return value >= limit;
    case '==':
      return value === limit;
    case '!=':
      return value !== limit;
  }
}

/** What an expression found: its value (the worst of several matches, or the aggregate), whether it holds, and where. */
export interface Evaluation {
  /** Null when the path matched nothing numeric (a metric with no data, such as a p99 with no request). */
  readonly value: number | null;
  readonly met: boolean;
  /** The match the value comes from (for a path with `*`: the one furthest from the limit), or the aggregate. */
  readonly at: string;
  /** The path matched nothing at all (a typo in the lesson, or an entry the scenario lacks). */
  readonly missing: boolean;
}

/** Evaluate an expression on a report or a spec. Without an aggregate, every match must hold; the value shown is the worst. */
export function evaluate(e: Expression, root: unknown): Evaluation {
  const found = valuesAt(root, e.path);
  if (e.aggregate === 'count')
    return { value: found.length, met: compare(found.length, e.op, e.limit), at: `count(${e.path.join('.')})`, missing: false };
  if (found.length === 0) return { value: null, met: false, at: e.path.join('.'), missing: true };
  const numbers = found.filter((f): f is { at: string; value: number } => typeof f.value === 'number' && Number.isFinite(f.value));
  if (e.aggregate !== null) {
    const xs = numbers.map((n) => n.value);
    const value =
      xs.length === 0
        ? null
        : e.aggregate === 'sum'
          ? xs.reduce((a, b) => a + b, 0)
          : e.aggregate === 'max'
            ? Math.max(...xs)
            : Math.min(...xs);
    return { value, met: value !== null && compare(value, e.op, e.limit), at: `${e.aggregate}(${e.path.join('.')})`, missing: false };
  }
  if (numbers.length < found.length) {
    const bad = found.find((f) => !(typeof f.value === 'number' && Number.isFinite(f.value)))!;
    return { value: null, met: false, at: bad.at, missing: false };
  }
  // the worst match: the one that fails, or else the closest to the limit
  const worst = numbers.reduce((a, b) => {
    const aOk = compare(a.value, e.op, e.limit);
    const bOk = compare(b.value, e.op, e.limit);
    if (aOk !== bOk) return aOk ? b : a;
    return Math.abs(b.value - e.limit) < Math.abs(a.value - e.limit) ? b : a;
  });
  return { value: worst.value, met: numbers.every((n) => compare(n.value, e.op, e.limit)), at: worst.at, missing: false };
}

/**
 * How far a value is inside its limit, as a share of the limit: 0.2 means 20%
 * from failing. Negative when it fails; null for == and != or a zero limit.
 */
export function margin(e: Expression, value: number): number | null {
  if (e.limit === 0 || e.op === '==' || e.op === '!=') return null;
  const room = e.op === '<' || e.op === '<=' ? e.limit - value : value - e.limit;
  return room / Math.abs(e.limit);
}
