// Maps a field path to its line and column in the YAML source.
import { type Document, isMap, isPair, isScalar, isSeq, type LineCounter, type Node, Scalar } from 'yaml';
import type { PathSegment } from './problems.js';

export interface SourcePosition {
  line: number;
  column: number;
  /** True when the whole path exists in the file (false: the nearest existing parent was used). */
  exact: boolean;
}

type YamlMap = Extract<Node, { items: unknown[] }> & { items: unknown[] };

/** A mapping's pairs by key, built once per mapping: finding many problems in a large mapping stays linear. */
const index = new WeakMap<object, Map<string, { key: unknown; value: unknown }>>();

function pairsByKey(map: YamlMap): Map<string, { key: unknown; value: unknown }> {
  let byKey = index.get(map);
  if (byKey === undefined) {
    byKey = new Map();
    for (const p of map.items) if (isPair(p) && isScalar(p.key) && !byKey.has(String(p.key.value))) byKey.set(String(p.key.value), p);
    index.set(map, byKey);
  }
  return byKey;
}

/**
 * Position of the value at `path` (or of its key, with atKey). When the path
 * does not exist (a missing field), the nearest existing parent is used.
 * `offset` points inside a scalar (for errors within `exp(mean=2ms)`).
 */
export function positionOf(
  doc: Document,
  lines: LineCounter,
  path: readonly PathSegment[],
  options: { atKey?: boolean; offset?: number } = {},
): SourcePosition {
  let node: Node | null = doc.contents as Node | null;
  let keyNode: Node | null = null;
  let exact = true;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = pairsByKey(node).get(String(seg));
      if (!pair) {
        exact = false;
        break;
      }
      keyNode = pair.key as Node;
      node = pair.value as Node | null;
      if (node === null) {
        node = keyNode; // `field:` with no value: point at the key
      }
    } else if (isSeq(node) && typeof seg === 'number' && seg < node.items.length) {
      keyNode = null;
      node = node.items[seg] as Node;
    } else {
      exact = false;
      break;
    }
  }
  const target = options.atKey && keyNode && exact ? keyNode : node;
  let offset = target?.range?.[0] ?? 0;
  if (exact && !options.atKey && options.offset && isScalar(target)) {
    const quoted = target.type === Scalar.QUOTE_DOUBLE || target.type === Scalar.QUOTE_SINGLE;
    if (target.type === Scalar.PLAIN || quoted) offset += options.offset + (quoted ? 1 : 0);
  }
  const { line, col } = lines.linePos(offset);
  return { line, column: col, exact };
}
