// Values at dotted paths in a report or a scenario (`services.*.utilization`), for objectives, constraints and sweeps.

/** An entry of a list by its `name` when it has one (a scenario's workloads), else by its index. */
function entryName(item: unknown, index: number): string {
  const name = item !== null && typeof item === 'object' ? (item as { name?: unknown }).name : undefined;
  return typeof name === 'string' ? name : String(index);
}

/**
 * Every value at a path (`*` matches every key or index), with the path it was
 * found at. A list's entries answer to their index and, when they have one, to
 * their name (`workloads.shoppers.arrivals`), and are shown by name.
 */
export function valuesAt(root: unknown, path: readonly string[]): { at: string; value: unknown }[] {
  let nodes: { at: string[]; value: unknown }[] = [{ at: [], value: root }];
  for (const seg of path) {
    const next: { at: string[]; value: unknown }[] = [];
    for (const n of nodes) {
      if (n.value === null || typeof n.value !== 'object') continue;
      if (Array.isArray(n.value)) {
        n.value.forEach((item, i) => {
          const name = entryName(item, i);
          if (seg === '*' || seg === name || seg === String(i)) next.push({ at: [...n.at, name], value: item });
        });
        continue;
      }
      const obj = n.value as Record<string, unknown>;
      const keys = seg === '*' ? Object.keys(obj) : Object.hasOwn(obj, seg) ? [seg] : [];
      for (const k of keys) next.push({ at: [...n.at, k], value: obj[k] });
    }
    nodes = next;
  }
  return nodes.map((n) => ({ at: n.at.join('.'), value: n.value }));
}
