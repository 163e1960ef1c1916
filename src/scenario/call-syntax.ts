// Lets call values like `mix(0.98: exp(mean=8ms), 0.02: 150ms)` stand unquoted in YAML.
//
// Plain YAML would read the `: ` inside such a value as a nested mapping, and the commas of
// `{ cpu: percentiles(p50=1ms, p99=9ms) }` as separators of the flow mapping. Before parsing,
// `:` and `,` inside the parentheses of a call (`name(...)`, balanced, on one line, outside
// quotes and comments) are swapped for private-use characters of the same length, so every
// line:column the parser reports stays exact; after parsing they are swapped back.

const COLON = '\uE000';
const COMMA = '\uE001';

/** Mask `:` and `,` inside unquoted call parentheses. The result has the same length as `text`. */
export function maskCalls(text: string): string {
  const out = text.split('');
  let i = 0;
  const n = text.length;
  let lineStartOrSep = true; // at a position where a scalar may start
  while (i < n) {
    const c = text[i];
    if (c === '\n') {
      lineStartOrSep = true;
      i++;
      continue;
    }
    if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if ((c === '"' || c === "'") && lineStartOrSep) {
      i = skipQuoted(text, i);
      lineStartOrSep = false;
      continue;
    }
    if (c === '(' && i > 0 && /[A-Za-z0-9_]/.test(text[i - 1])) {
      const end = matchingParen(text, i);
      if (end > 0) {
        for (let j = i + 1; j < end; j++) {
          if (text[j] === ':') out[j] = COLON;
          else if (text[j] === ',') out[j] = COMMA;
        }
        i = end + 1;
        lineStartOrSep = false;
        continue;
      }
    }
    if (c === ':' || c === '-' || c === '[' || c === '{' || c === ',' || c === '?') lineStartOrSep = true;
    else if (!/\s/.test(c)) lineStartOrSep = false;
    i++;
  }
  return out.join('');
}

function skipQuoted(text: string, start: number): number {
  const q = text[start];
  let i = start + 1;
  while (i < text.length) {
    if (q === '"' && text[i] === '\\') i += 2;
    else if (text[i] === q) {
      if (q === "'" && text[i + 1] === "'") i += 2;
      else return i + 1;
    } else i++;
  }
  return i;
}

/** Index of the `)` closing the `(` at `open` on the same line, or -1. */
function matchingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length && text[i] !== '\n'; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return i;
  }
  return -1;
}

/** Undo maskCalls in a string. */
export function unmaskString(s: string): string {
  return s.includes(COLON) || s.includes(COMMA) ? s.replaceAll(COLON, ':').replaceAll(COMMA, ',') : s;
}

/** Undo maskCalls in every string (and key) of parsed data. */
export function unmaskValue<T>(value: T): T {
  if (typeof value === 'string') return unmaskString(value) as T;
  if (Array.isArray(value)) return value.map(unmaskValue) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    // defined, not assigned: a key such as __proto__ stays a field (and is reported as unknown) instead of setting a prototype
    for (const [k, v] of Object.entries(value))
      Object.defineProperty(out, unmaskString(k), { value: unmaskValue(v), enumerable: true, writable: true, configurable: true });
    return out as T;
  }
  return value;
}
