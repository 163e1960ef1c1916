// Scenario loading: YAML text -> overrides -> validated, frozen ScenarioSpec, or every problem at once.
import { readFileSync } from 'node:fs';
import { type Alias, type Document, LineCounter, type Node, YAMLParseError, isMap, isScalar, isSeq, parseDocument, visit } from 'yaml';
import { buildSpec } from './build.js';
import { maskCalls, unmaskString, unmaskValue } from './call-syntax.js';
import { type Override, RESERVED_KEYS, applyOverrides } from './overrides.js';
import { positionOf } from './positions.js';
import { type PathSegment, type Problem, ScenarioError, inFile, problemsFromZod } from './problems.js';
import type { Raw } from './raw.js';
import { scenarioSchema } from './schema.js';
import { SECTIONS } from './sections/index.js';
import type { ScenarioSpec } from './spec.js';
import { describe } from './units.js';

export { DEFAULT_DURATION_MS, DEFAULT_SEED } from './sections/core.js';

/** Aliases may expand to at most this many copies of their anchors (the yaml library's maxAliasCount). */
export const MAX_ALIAS_COPIES = 100;
/** Mappings and lists nested deeper than this are refused (a scenario needs about ten levels). */
export const MAX_NESTING = 64;

/** Read and load a scenario file. Throws ScenarioError (never a raw exception) for anything wrong with it. */
export function loadScenarioFile(file: string, overrides: readonly Override[] = []): ScenarioSpec {
  return loadScenarioBytes(readScenarioFile(file), file, overrides);
}

/** The bytes of a scenario file, or a ScenarioError saying why it cannot be read. */
export function readScenarioFile(file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const found = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory' : `an unreadable file (${code ?? String(err)})`;
    throw new ScenarioError([{ path: [], expected: 'a readable scenario file (YAML)', found, where: file, file }]);
  }
}

/** Load a scenario from the bytes of a file (or of stdin): refused unless they are UTF-8 text. */
export function loadScenarioBytes(bytes: Uint8Array, file: string, overrides: readonly Override[] = []): ScenarioSpec {
  return loadScenarioText(decodeScenarioText(bytes, file), file, overrides);
}

/** UTF-8 text (a byte-order mark is dropped), or a ScenarioError saying what the bytes are instead. */
export function decodeScenarioText(bytes: Uint8Array, file: string): string {
  const refuse = (expected: string, found: string, line = 1, column = 1): never => {
    throw new ScenarioError([{ path: [], expected, found, ...inFile(file, line, column) }]);
  };
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
    refuse('a scenario file (YAML text in UTF-8)', 'UTF-16 text');
  if (bytes.includes(0)) refuse('a scenario file (YAML text)', 'a binary file');
  const bad = firstInvalidUtf8(bytes);
  if (bad < 0) return new TextDecoder('utf-8').decode(bytes);
  // mostly control characters and invalid sequences: not text at all
  const head = bytes.subarray(0, 4096);
  let odd = 0;
  for (let i = 0; i < head.length; i++)
    if ((head[i] < 0x20 && head[i] !== 0x09 && head[i] !== 0x0a && head[i] !== 0x0d) || head[i] >= 0xf8) odd++;
  if (odd > head.length / 10) refuse('a scenario file (YAML text)', 'a binary file');
  const before = bytes.subarray(0, bad);
  const lineStart = before.lastIndexOf(0x0a) + 1;
  const line = before.reduce((n, b) => n + (b === 0x0a ? 1 : 0), 1);
  const column = new TextDecoder('utf-8').decode(before.subarray(lineStart)).length + 1;
  return refuse(
    'a scenario file (YAML text in UTF-8)',
    `a byte that is not UTF-8 (0x${bytes[bad].toString(16).padStart(2, '0')})`,
    line,
    column,
  );
}

/** Offset of the first byte that does not belong to a well-formed UTF-8 sequence, or -1. */
function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    // [length, smallest and largest second byte] of each lead byte (no overlongs, surrogates or > U+10FFFF)
    const [n, lo, hi] =
      c >= 0xc2 && c <= 0xdf
        ? [2, 0x80, 0xbf]
        : c === 0xe0
          ? [3, 0xa0, 0xbf]
          : c === 0xed
            ? [3, 0x80, 0x9f]
            : c >= 0xe1 && c <= 0xef
              ? [3, 0x80, 0xbf]
              : c === 0xf0
                ? [4, 0x90, 0xbf]
                : c === 0xf4
                  ? [4, 0x80, 0x8f]
                  : c >= 0xf1 && c <= 0xf3
                    ? [4, 0x80, 0xbf]
                    : [0, 0, 0];
    if (n === 0 || i + n > b.length || b[i + 1] < lo || b[i + 1] > hi) return i;
    for (let k = 2; k < n; k++) if (b[i + k] < 0x80 || b[i + k] > 0xbf) return i;
    i += n;
  }
  return -1;
}

/** Every key that repeats one of its mapping, as a parse error (as the parser's uniqueKeys would), in time linear in the keys. */
function findDuplicateKeys(doc: Document): void {
  visit(doc, {
    Map(_, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const key = String(pair.key.value);
        if (seen.has(key))
          doc.errors.push(
            new YAMLParseError(
              pair.key.range ? [pair.key.range[0], pair.key.range[1]] : [0, 0],
              'DUPLICATE_KEY',
              'Map keys must be unique',
            ),
          );
        else seen.add(key);
      }
    },
  });
}

/** Load scenario YAML text; `file` names it in messages. */
export function loadScenarioText(text: string, file: string, overrides: readonly Override[] = []): ScenarioSpec {
  if (text.includes('\0'))
    throw new ScenarioError([{ path: [], expected: 'a scenario file (YAML text)', found: 'a binary file', ...inFile(file, 1, 1) }]);
  const lines = new LineCounter();
  // the parser's own unique-key check takes time in the square of a mapping's size: a linear one below
  const doc = parseDocument(maskCalls(text), { lineCounter: lines, prettyErrors: false, uniqueKeys: false, logLevel: 'error' });
  if (doc.errors.length === 0) findDuplicateKeys(doc);
  if (doc.errors.length > 0) throw new ScenarioError(syntaxProblems(doc, lines, file));
  const raw: unknown = unmaskValue(toData(doc, lines, file));
  if (raw === null || raw === undefined) {
    throw new ScenarioError([
      { path: [], expected: 'a mapping with name, workloads and services', found: 'an empty file', ...inFile(file, 1, 1) },
    ]);
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ScenarioError([
      {
        path: [],
        expected: 'a mapping with name, workloads and services',
        found: Array.isArray(raw) ? 'a list' : `a single value (${describe(raw)})`,
        ...inFile(file, 1, 1),
      },
    ]);
  }

  const reserved = removeReservedKeys(raw, []);
  const { data, resolved, problems } = applyOverrides(raw as Record<string, unknown>, overrides);
  problems.push(...reserved);
  const parsed = scenarioSchema.safeParse(data, { reportInput: true });
  if (!parsed.success) problems.push(...problemsFromZod(parsed.error.issues).map((p) => ({ ...p, path: pathInData(data, p.path) })));
  // every section's checks, in SECTIONS order: of the raw data always, of the checked input when the schema passed
  for (const s of SECTIONS) if (s.check) problems.push(...s.check(data));
  const top = parsed.data as Raw | undefined;
  if (top) for (const s of SECTIONS) if (s.checkInput) problems.push(...s.checkInput(top, data));

  /** Give every problem its place: file:line:column, or the --set flag it came from. */
  const refuse = (found: Problem[]): never => {
    for (const p of found) {
      if (p.where) continue;
      const override = resolved.find((o) => startsWith(p.path, o.path) || startsWith(o.path, p.path));
      const pos = positionOf(doc, lines, p.path, { atKey: p.atKey, offset: p.offset });
      if (override && (!pos.exact || startsWith(p.path, override.path))) {
        p.where = override.label;
      } else {
        Object.assign(p, inFile(file, pos.line, pos.column));
      }
    }
    throw new ScenarioError(sortProblems(found));
  };
  if (problems.length > 0) refuse(problems);
  const spec = buildSpec(top!, data);
  // these need the built spec (replicas, which endpoints use which cache), so they come last
  const late = SECTIONS.flatMap((s) => (s.checkSpec ? s.checkSpec(spec) : []));
  if (late.length > 0) refuse(late);
  return deepFreeze(spec) as unknown as ScenarioSpec;
}

/** Reported syntax errors: after a few, the rest are mostly knock-on effects of the first (a broken structure makes every later token unexpected). */
const MAX_SYNTAX_ERRORS = 5;

/** YAML syntax errors as problems: the first on each line, at most MAX_SYNTAX_ERRORS and a count of the rest. */
function syntaxProblems(doc: Document, lines: LineCounter, file: string): Problem[] {
  const at = (e: Document['errors'][number]) => e.linePos?.[0] ?? lines.linePos(e.pos[0]);
  // a stack overflow in the parser brings a train of follow-on errors: the first says it all
  const deep = doc.errors.find((e) => /call stack/i.test(e.message));
  if (deep)
    return [{ path: [], expected: 'valid YAML', found: 'collections nested too deeply', ...inFile(file, at(deep).line, at(deep).col) }];
  const byLine = new Map<number, Document['errors'][number]>();
  for (const e of [...doc.errors].sort((a, b) => a.pos[0] - b.pos[0])) if (!byLine.has(at(e).line)) byLine.set(at(e).line, e);
  const first = [...byLine.values()];
  const problems: Problem[] = first.slice(0, MAX_SYNTAX_ERRORS).map((e) => {
    // the parser quotes the unexpected token, which may be a long stretch of the file
    const found = unmaskString(e.message.split('\n')[0])
      .replace(/ at line \d+, column \d+:?$/, '')
      .replace(/"(.*)"$/, (_, token: string) => describe(token));
    return { path: [], expected: 'valid YAML', found, ...inFile(file, at(e).line, at(e).col) };
  });
  if (first.length > MAX_SYNTAX_ERRORS) {
    const next = at(first[MAX_SYNTAX_ERRORS]);
    const rest = doc.errors.filter((e) => e.pos[0] >= first[MAX_SYNTAX_ERRORS].pos[0]).length;
    problems.push({
      path: [],
      expected: 'valid YAML',
      found: `${rest} more syntax errors from here on (often knock-on effects of the ones above)`,
      ...inFile(file, next.line, next.col),
    });
  }
  return problems;
}

/** The document as plain data; aliases that cannot be resolved or that expand too much, and too deep nesting, are problems. */
function toData(doc: Document, lines: LineCounter, file: string): unknown {
  const at = (node: Node | undefined) => {
    const { line, col } = lines.linePos(node?.range?.[0] ?? 0);
    return inFile(file, line, col);
  };
  const keys: Problem[] = [];
  visit(doc, {
    Pair: (_, pair) => {
      if (isMap(pair.key) || isSeq(pair.key))
        keys.push({ path: [], expected: 'text as a key', found: isMap(pair.key) ? 'a mapping' : 'a list', ...at(pair.key) });
    },
  });
  if (keys.length > 0) throw new ScenarioError(keys);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COPIES });
  } catch (err) {
    if (!(err instanceof ReferenceError)) throw err;
    const aliases: Alias[] = [];
    const anchored = new Map<string, Node>();
    const defined = new Set<string>();
    let unresolved: Alias | undefined;
    visit(doc, {
      Alias: (_, node) => {
        aliases.push(node);
        if (!defined.has(node.source)) unresolved ??= node;
      },
      Node: (_, node) => {
        if (node.anchor) {
          defined.add(node.anchor);
          anchored.set(node.anchor, node);
        }
      },
    });
    if (unresolved) {
      throw new ScenarioError([
        {
          path: [],
          expected: `an alias of an anchor defined before it (&${unresolved.source})`,
          found: `*${unresolved.source} without one`,
          ...at(unresolved),
        },
      ]);
    }
    // the bomb starts at the first alias of an anchor that itself holds aliases
    const holdsAliases = (node: Node | undefined) => {
      let found = false;
      if (node)
        visit(node, {
          // biome-ignore lint/correctness/noComponentHookFactories: a YAML visitor key, not a React component
          Alias: () => {
            found = true;
            return visit.BREAK;
          },
        });
      return found;
    };
    const first = aliases.find((a) => holdsAliases(anchored.get(a.source))) ?? aliases[0];
    throw new ScenarioError([
      {
        path: [],
        expected: `YAML whose aliases expand to at most ${MAX_ALIAS_COPIES} copies`,
        found: 'aliases that expand to more (an alias bomb)',
        ...at(first),
      },
    ]);
  }
  // measured without recursion, so that no depth can overflow the stack
  const stack: { value: unknown; path: PathSegment[] }[] = [{ value: data, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    // plain mappings and lists only (a !!binary value is bytes, not thousands of entries)
    if (!value || typeof value !== 'object' || ArrayBuffer.isView(value)) continue;
    if (path.length >= MAX_NESTING) {
      const pos = positionOf(doc, lines, path);
      throw new ScenarioError([
        {
          path: [],
          expected: `mappings and lists nested at most ${MAX_NESTING} levels deep`,
          found: 'deeper nesting',
          ...inFile(file, pos.line, pos.column),
        },
      ]);
    }
    for (const [k, v] of Object.entries(value)) stack.push({ value: v, path: [...path, Array.isArray(value) ? Number(k) : k] });
  }
  return data;
}

/**
 * Keys that would reach an object's prototype (__proto__, constructor,
 * prototype) are no field or name of a scenario: each is reported at its key
 * and removed, so nothing downstream sees it.
 */
function removeReservedKeys(node: unknown, path: PathSegment[]): Problem[] {
  const out: Problem[] = [];
  if (Array.isArray(node)) {
    node.forEach((v, i) => {
      out.push(...removeReservedKeys(v, [...path, i]));
    });
  } else if (node !== null && typeof node === 'object') {
    const obj = node as Record<string, unknown>;
    for (const key of Object.keys(obj)) {
      if (RESERVED_KEYS.has(key)) {
        out.push({
          path: [...path, key],
          expected: 'a field or a name other than __proto__, constructor and prototype (they are reserved)',
          found: JSON.stringify(key),
          atKey: true,
        });
        delete obj[key];
      } else out.push(...removeReservedKeys(obj[key], [...path, key]));
    }
  }
  return out;
}

/** The schema sees a lone call as a one-call list and `svc.ep` as `{ to: svc.ep }`; name paths as the file has them. */
function pathInData(data: unknown, path: readonly PathSegment[]): PathSegment[] {
  const out: PathSegment[] = [];
  let node = data;
  for (const seg of path) {
    if (typeof seg === 'number' && !Array.isArray(node)) continue;
    if (typeof seg === 'string' && typeof node === 'string') continue;
    out.push(seg);
    node = node && typeof node === 'object' ? (node as Record<string | number, unknown>)[seg] : undefined;
  }
  return out;
}

function startsWith(path: readonly PathSegment[], prefix: readonly PathSegment[]): boolean {
  return prefix.length <= path.length && prefix.every((s, i) => String(s) === String(path[i]));
}

function sortProblems(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems
    .filter((p) => {
      const key = `${p.where}|${p.path.join('.')}|${p.expected}|${p.found}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity) || (a.column ?? 0) - (b.column ?? 0));
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
