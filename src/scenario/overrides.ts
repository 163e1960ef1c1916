// `--set path=value` overrides: parsed, applied to the raw scenario data, and remembered for error messages.
import { parse as parseYaml } from 'yaml';
import { maskCalls, unmaskValue } from './call-syntax.js';
import { type PathSegment, type Problem, formatPath } from './problems.js';
import { suggest } from './suggest.js';

/** One override: where it came from (`--set a.b=1`, `--duration 10s`), the path and the value. */
export interface Override {
  readonly label: string;
  readonly path: readonly string[];
  readonly value: unknown;
}

export const PATH_HINT = 'a path such as services.api.replicas or workloads[0].arrivals';

/**
 * Parse `services.api.replicas=4`; the value is read as YAML (`4` is a number, `{a: 1}` a mapping).
 * The path may name list items as the messages print them (`workloads[0].arrivals`), with a dot
 * (`workloads.0.arrivals`) or by name (`workloads.shoppers.arrivals`, `workloads[shoppers]`).
 */
export function parseSetFlag(text: string): Override | Problem {
  const label = `--set ${text}`;
  const eq = text.indexOf('=');
  if (eq <= 0) return { path: [], expected: 'path=value, such as services.api.replicas=4', found: JSON.stringify(text), where: label };
  const path = parsePath(text.slice(0, eq).trim());
  if (!path) return { path: [], expected: PATH_HINT, found: JSON.stringify(text.slice(0, eq).trim()), where: label };
  const raw = text.slice(eq + 1);
  let value: unknown;
  try {
    value = raw.trim() === '' ? '' : unmaskValue(parseYaml(maskCalls(raw)));
  } catch {
    return { path, expected: 'a YAML value', found: JSON.stringify(raw), where: label };
  }
  return { label, path, value };
}

/** `a.b[0].c`, `a.b.0.c` or `a["b"].c` as segments, or undefined when it is not a path. */
export function parsePath(text: string): string[] | undefined {
  const segments: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === '[') {
      const close = text.indexOf(']', i);
      if (close < 0) return undefined;
      const inner = text.slice(i + 1, close).trim();
      const quoted = /^"(.*)"$|^'(.*)'$/.exec(inner);
      const seg = quoted ? (quoted[1] ?? quoted[2]) : inner;
      if (seg === '') return undefined;
      segments.push(seg);
      i = close + 1;
      // after ], another [ or a dot (then a name) or the end
      if (i < text.length && text[i] !== '[' && text[i] !== '.') return undefined;
      if (text[i] === '.') i++;
      if (i === text.length && text[i - 1] === '.') return undefined;
      continue;
    }
    let end = i;
    while (end < text.length && text[end] !== '.' && text[end] !== '[') {
      if (text[end] === ']') return undefined;
      end++;
    }
    const seg = text.slice(i, end).trim();
    if (seg === '') return undefined;
    segments.push(seg);
    i = end;
    if (text[i] === '.') {
      i++;
      if (i === text.length) return undefined;
    }
  }
  return segments.length > 0 ? segments : undefined;
}

/** The mappings whose keys are names the scenario gives (not field names), and what each entry is. */
function namedEntries(path: readonly PathSegment[]): string | undefined {
  if (path.length === 1 && path[0] === 'services') return 'service';
  if (path.length === 1 && path[0] === 'caches') return 'cache';
  if (path.length === 1 && path[0] === 'keys') return 'key space';
  if (path.length === 1 && path[0] === 'regions') return 'region';
  if (path.length === 3 && path[0] === 'services' && path[2] === 'endpoints') return `endpoint of ${String(path[1])}`;
  return undefined;
}

/**
 * Apply overrides to raw scenario data (a fresh copy is returned). A list item
 * may be named by index (`workloads.0`) or by its `name` (`workloads.shoppers`).
 * A field inside a named entry that does not exist (`services.paymnet.replicas`)
 * is refused with a suggestion; a whole new entry (`services.audit={ cpu: 1ms }`)
 * may be added. Returns the data, the resolved path of each override (indices
 * for names), and problems for paths that cannot be followed; an override
 * that is refused changes nothing.
 */
/** Names that would reach an object's prototype instead of a field of it. */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export function applyOverrides(
  data: Record<string, unknown>,
  overrides: readonly Override[],
): { data: Record<string, unknown>; resolved: { label: string; path: PathSegment[] }[]; problems: Problem[] } {
  const root = structuredClone(data);
  const resolved: { label: string; path: PathSegment[] }[] = [];
  const problems: Problem[] = [];
  for (const o of overrides) {
    let node: unknown = root;
    const path: PathSegment[] = [];
    // mappings created on the way, removed again if the override is refused
    const created: { parent: Record<string, unknown>; key: string }[] = [];
    let problem: Problem | undefined;
    for (let i = 0; i < o.path.length && !problem; i++) {
      const seg = o.path[i];
      const last = i === o.path.length - 1;
      if (RESERVED_KEYS.has(seg)) {
        problem = {
          path: [...path],
          expected: 'a field name (__proto__, constructor and prototype are reserved)',
          found: JSON.stringify(seg),
          where: o.label,
        };
        break;
      }
      if (Array.isArray(node)) {
        const index = /^\d+$/.test(seg)
          ? Number(seg)
          : node.findIndex((item) => item && typeof item === 'object' && (item as { name?: unknown }).name === seg);
        if (index < 0 || index > node.length || (index === node.length && !last)) {
          const names = node
            .map((item) => (item && typeof item === 'object' ? String((item as { name?: unknown }).name) : ''))
            .filter(Boolean);
          problem = {
            path: [...path],
            expected: `an index 0-${node.length - 1}${names.length ? ` or a name (${names.join(', ')})` : ''}`,
            found: JSON.stringify(seg),
            hint: suggest(seg, names, 'did you mean "%s"?') || undefined,
            where: o.label,
          };
          break;
        }
        path.push(index);
        if (last) node[index] = o.value;
        else node = node[index];
      } else if (node && typeof node === 'object') {
        const obj = node as Record<string, unknown>;
        const missing = !Object.hasOwn(obj, seg) || obj[seg] === undefined || obj[seg] === null;
        const kind = namedEntries(path);
        if (kind && missing && !last) {
          problem = missingEntry(kind, path, seg, Object.keys(obj), o.label);
          break;
        }
        path.push(seg);
        if (last) obj[seg] = o.value;
        else {
          if (missing) {
            obj[seg] = {};
            created.push({ parent: obj, key: seg });
          }
          node = obj[seg];
        }
      } else {
        problem = { path: [...path], expected: 'a mapping or a list to set a field in', found: JSON.stringify(node), where: o.label };
      }
    }
    if (problem) {
      problems.push(problem);
      for (const c of created.reverse()) delete c.parent[c.key];
    } else resolved.push({ label: o.label, path });
  }
  return { data: root, resolved, problems };
}

function missingEntry(kind: string, path: readonly PathSegment[], name: string, names: string[], label: string): Problem {
  const add = `to add one, set it whole: ${formatPath([...path, name])}={ ... }`;
  // a service with one endpoint has it at service level, not under endpoints:
  if (kind.startsWith('endpoint') && names.length === 0) {
    return {
      path: [...path],
      expected: `an existing ${kind} (it has one, set at service level: ${formatPath(path.slice(0, 2))}.cpu)`,
      found: JSON.stringify(name),
      where: label,
    };
  }
  return {
    path: [...path],
    expected: `an existing ${kind} (${names.length ? names.join(', ') : 'this scenario has none'})`,
    found: JSON.stringify(name),
    hint: suggest(name, names, 'did you mean "%s"?') || add,
    where: label,
  };
}
