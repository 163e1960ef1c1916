// Maps a field path to its line and column in the YAML source.
import { type Document, isMap, isPair, isScalar, isSeq, type LineCounter, type Node, Scalar } from 'yaml';
import type { PathSegment } from './problems.js';

export interface SourcePosition {
  line: number;
  column: number;
  /** True when the whole path exists in the file (false: the nearest existing parent was used). */
  exact: boolean;
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
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
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
