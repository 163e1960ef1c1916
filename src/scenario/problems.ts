// Problems found in a scenario or a flag: one per mistake, located and phrased "expected ..., found ...".
import type { z } from 'zod';
import { KNOWN_FIELDS, type ValueIssueParams } from './fields.js';
import { suggest } from './suggest.js';
import { describe } from './units.js';
export { oneLine } from './one-line.js';
import { oneLine } from './one-line.js';

export type PathSegment = string | number;

/** One problem with the input. `where` is filled in by the loader (file:line:column or the flag). */
export interface Problem {
  readonly path: readonly PathSegment[];
  readonly expected: string;
  readonly found: string;
  /** Extra advice, such as "did you mean ...". */
  readonly hint?: string;
  /** Offset of the problem inside a scalar value (for values like `exp(mean=2ms)`). */
  readonly offset?: number;
  /** Point at the field's key rather than its value (unknown fields). */
  readonly atKey?: boolean;
  where?: string;
  /** The file, line and column of `where`, when the problem is in a file (not in a flag). */
  file?: string;
  line?: number;
  column?: number;
}

/** The place of a problem in a file. */
export function inFile(file: string, line: number, column: number): Pick<Problem, 'where' | 'file' | 'line' | 'column'> {
  return { where: `${file}:${line}:${column}`, file, line, column };
}

/** A problem for `msim validate --json`: every field present, null when it does not apply. */
export interface ProblemJson {
  file: string | null;
  line: number | null;
  column: number | null;
  /** The flag the problem is in (`--set services.api.replicas=0`), when it is not in the file. */
  flag: string | null;
  /** The field, as in the messages (`workloads[0].arrivals`); empty for the file as a whole. */
  path: string;
  expected: string;
  found: string;
  /** The closest valid name or value, when one is close. */
  suggestion: string | null;
  /** The line `msim validate` prints. */
  message: string;
}

export function problemJson(p: Problem): ProblemJson {
  const mean = p.hint && /^did you mean "(.*)"\?$/.exec(p.hint);
  return {
    file: p.file ?? (p.where && !p.where.startsWith('--') ? p.where : null),
    line: p.line ?? null,
    column: p.column ?? null,
    flag: p.where?.startsWith('--') ? p.where : null,
    path: p.path.length > 0 ? formatPath(p.path) : '',
    expected: p.expected,
    found: shortFound(p.found),
    suggestion: mean ? mean[1] : (p.hint ?? null),
    message: formatProblem(p).replace(/: \(top level\): /, ': '),
  };
}

/** Thrown when a scenario or its overrides are refused; carries every problem found. */
export class ScenarioError extends Error {
  constructor(readonly problems: readonly Problem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ScenarioError';
  }
}

export function formatPath(path: readonly PathSegment[]): string {
  if (path.length === 0) return '(top level)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

export function formatProblem(p: Problem): string {
  const where = p.where ? `${p.where}: ` : '';
  return oneLine(`${where}${formatPath(p.path)}: expected ${p.expected}, found ${shortFound(p.found)}${p.hint ? `; ${p.hint}` : ''}`);
}

/** A found value that starts with a long quoted text (a whole line of a file, say), with the text shortened. */
function shortFound(found: string): string {
  const quoted = /^"(?:[^"\\]|\\.)*"/.exec(found);
  if (!quoted || quoted[0].length <= 82) return found;
  try {
    return describe(JSON.parse(quoted[0])) + found.slice(quoted[0].length);
  } catch {
    return found;
  }
}

const TYPE_NAMES: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  record: 'a mapping',
};

/** Turn zod issues into problems (one per unknown key, one per other issue). */
export function problemsFromZod(issues: readonly z.core.$ZodIssue[]): Problem[] {
  const out: Problem[] = [];
  for (const issue of issues) out.push(...fromIssue(issue));
  return out;
}

function fromIssue(issue: z.core.$ZodIssue): Problem[] {
  const path = issue.path.filter((p): p is PathSegment => typeof p !== 'symbol');
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = issue.message.startsWith(KNOWN_FIELDS) ? issue.message.slice(KNOWN_FIELDS.length).split(',') : [];
      return issue.keys.map((key) => ({
        path: [...path, key],
        expected: known.length ? `one of the fields ${known.join(', ')}` : 'a known field',
        found: `unknown field "${key}"`,
        hint: suggest(key, known, 'did you mean "%s"?') || undefined,
        atKey: true,
      }));
    }
    case 'invalid_type': {
      const last = path[path.length - 1];
      if (input === undefined) {
        return [
          { path, expected: `${TYPE_NAMES[issue.expected] ?? issue.expected} (the field "${String(last)}" is required)`, found: 'nothing' },
        ];
      }
      return [{ path, expected: TYPE_NAMES[issue.expected] ?? issue.expected, found: describe(input) }];
    }
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'array')
        return [
          {
            path,
            expected: `at least ${min} item${min === 1 ? '' : 's'}`,
            found: Array.isArray(input)
              ? input.length === 0
                ? 'an empty list'
                : `${input.length} item${input.length === 1 ? '' : 's'}`
              : describe(input),
          },
        ];
      if (issue.origin === 'string') return [{ path, expected: 'non-empty text', found: describe(input) }];
      return [{ path, expected: `a number ${issue.inclusive ? '>=' : '>'} ${min}`, found: describe(input) }];
    }
    case 'too_big':
      return [{ path, expected: `a number ${issue.inclusive ? '<=' : '<'} ${Number(issue.maximum)}`, found: describe(input) }];
    case 'invalid_value': {
      const values = issue.values.map(String);
      return [
        {
          path,
          expected: `one of ${values.join(', ')}`,
          found: describe(input),
          hint: typeof input === 'string' ? suggest(input, values, 'did you mean "%s"?') || undefined : undefined,
        },
      ];
    }
    case 'invalid_union':
      // unions carry their own phrase of what they accept
      return [{ path, expected: issue.message, found: describe(input) }];
    case 'custom': {
      const params = issue.params as ValueIssueParams | undefined;
      if (params) return [{ path, expected: params.expected, found: params.found, offset: params.offset }];
      return [{ path, expected: issue.message, found: describe(input) }];
    }
    default:
      return [{ path, expected: issue.message, found: describe(input) }];
  }
}
