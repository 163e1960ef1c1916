// `--set path=value` overrides: parsed, applied to the raw scenario data, and remembered for error messages.
import { parse as parseYaml } from 'yaml';
import { maskCalls, unmaskValue } from './call-syntax.js';
import type { PathSegment, Problem } from './problems.js';
import { suggest } from './suggest.js';

/** One override: where it came from (`--set a.b=1`, `--duration 10s`), the path and the value. */
export interface Override {
  readonly label: string;
  readonly path: readonly string[];
  readonly value: unknown;
}

/** Parse `services.api.replicas=4`; the value is read as YAML (`4` is a number, `{a: 1}` a mapping). */
export function parseSetFlag(text: string): Override | Problem {
  const label = `--set ${text}`;
  const eq = text.indexOf('=');
  if (eq <= 0) return { path: [], expected: 'path=value, such as services.api.replicas=4', found: JSON.stringify(text), where: label };
  const path = text.slice(0, eq).trim().split('.').map((s) => s.trim());
  if (path.some((s) => s === '')) return { path: [], expected: 'a dotted path such as services.api.replicas', found: JSON.stringify(text.slice(0, eq)), where: label };
  const raw = text.slice(eq + 1);
  let value: unknown;
  try {
    value = raw.trim() === '' ? '' : unmaskValue(parseYaml(maskCalls(raw)));
  } catch {
    return { path, expected: 'a YAML value', found: JSON.stringify(raw), where: label };
  }
  return { label, path, value };
}

/**
 * Apply overrides to raw scenario data (a fresh copy is returned). A list item
 * may be named by index (`workloads.0`) or by its `name` (`workloads.shoppers`).
 * Returns the data, the resolved path of each override (indices for names),
 * and problems for paths that cannot be followed.
 */
export function applyOverrides(data: Record<string, unknown>, overrides: readonly Override[]): { data: Record<string, unknown>; resolved: { label: string; path: PathSegment[] }[]; problems: Problem[] } {
  const root = structuredClone(data);
  const resolved: { label: string; path: PathSegment[] }[] = [];
  const problems: Problem[] = [];
  for (const o of overrides) {
    let node: unknown = root;
    const path: PathSegment[] = [];
    let failed = false;
    for (let i = 0; i < o.path.length; i++) {
      const seg = o.path[i];
      const last = i === o.path.length - 1;
      if (Array.isArray(node)) {
        let index = /^\d+$/.test(seg) ? Number(seg) : node.findIndex((item) => item && typeof item === 'object' && (item as { name?: unknown }).name === seg);
        if (index < 0 || index > node.length || (index === node.length && !last)) {
          const names = node.map((item) => (item && typeof item === 'object' ? String((item as { name?: unknown }).name) : '')).filter(Boolean);
          problems.push({ path, expected: `an index 0-${node.length - 1}${names.length ? ` or a name (${names.join(', ')})` : ''}`, found: JSON.stringify(seg), hint: suggest(seg, names, 'did you mean "%s"?') || undefined, where: o.label });
          failed = true;
          break;
        }
        path.push(index);
        if (last) node[index] = o.value;
        else node = node[index];
      } else if (node && typeof node === 'object') {
        const obj = node as Record<string, unknown>;
        path.push(seg);
        if (last) obj[seg] = o.value;
        else {
          if (obj[seg] === undefined || obj[seg] === null) obj[seg] = {};
          node = obj[seg];
        }
      } else {
        problems.push({ path, expected: 'a mapping or a list to set a field in', found: JSON.stringify(node), where: o.label });
        failed = true;
        break;
      }
    }
    if (!failed) resolved.push({ label: o.label, path });
  }
  return { data: root, resolved, problems };
}
