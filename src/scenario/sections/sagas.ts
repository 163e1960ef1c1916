// Sagas: ordered steps of calls with compensations, run by an orchestrator service; `{ saga: name }` in a call starts one.
import { z } from 'zod';
import type { PathSegment, Problem } from '../problems.js';
import { type Raw, endpointsOf, forEachEndpoint, isMapping, NAME, resolveTarget } from '../raw.js';
import type { Input, Inner, Section } from '../section.js';
import { suggest } from '../suggest.js';
import { strict } from '../fields.js';
import { callFields as resilienceCallFields, type RetrySpec } from './resilience.js';
import type { Locality } from './topology.js';
import type { Transport } from './rpc.js';

/** Where a step stands in its saga (Garcia-Molina and Salem 1987; Richardson, Microservices Patterns, ch. 4). */
export type SagaStepKind = 'compensatable' | 'pivot' | 'retriable';
export type CompensationMode = 'serial' | 'parallel';
export type SagaMode = 'sync' | 'async';

/** A call a saga makes (an action or a compensation): built by every section as any call is. */
export interface SagaCallSpec {
  readonly service: string;
  readonly endpoint: string;
  readonly timeoutMs: number | null;
  readonly retry: RetrySpec | null;
  readonly locality: Locality | null;
  readonly transport: Transport;
}

export interface SagaStepSpec {
  readonly kind: SagaStepKind;
  readonly action: SagaCallSpec;
  /** Undoes the action (compensatable steps only; null: nothing to undo). */
  readonly compensate: SagaCallSpec | null;
}

export interface SagaSpec {
  /** The service whose replicas run the saga (its steps are calls from there). */
  readonly orchestrator: string;
  /** Undo the completed steps one by one in reverse order (serial), or all at once (parallel). */
  readonly compensation: CompensationMode;
  readonly steps: readonly SagaStepSpec[];
}

export interface SagasScenarioPart {
  /** In file order; empty without `sagas:`. */
  readonly sagas: Readonly<Record<string, SagaSpec>>;
}

export interface SagasCallPart {
  /** The saga this call starts (null: an ordinary call). */
  readonly saga: string | null;
  /** sync: the caller's answer is the saga's end; async: the caller's answer comes at once. */
  readonly mode: SagaMode;
}

/** A compensation (or a retriable step without a retry policy) is retried this way unless the saga says otherwise. */
export const DEFAULT_SAGA_RETRY = {
  attempts: 5,
  backoff: { kind: 'exponential', baseMs: 100, capMs: 5000 },
  on: ['error', 'timeout', 'rejected'],
};

const step = strict({
  action: z.string().min(1),
  compensate: z.string().min(1).optional(),
  pivot: z.boolean().optional(),
  retriable: z.boolean().optional(),
  timeout: resilienceCallFields.timeout,
  retry: resilienceCallFields.retry,
});

const saga = strict({
  description: z.string().optional(),
  orchestrator: z.string().min(1),
  compensation: z.enum(['serial', 'parallel']).optional(),
  compensationRetry: resilienceCallFields.retry,
  steps: z.array(step).min(1),
});

const topFields = (_inner: Inner) => ({ sagas: z.record(z.string(), saga).optional() });
type TopInput = Input<ReturnType<typeof topFields>>;
type StepInput = z.output<typeof step>;

const callFields = { saga: z.string().min(1).optional(), mode: z.enum(['sync', 'async']).optional() };
type CallInput = Input<typeof callFields>;

const kindOf = (s: { pivot?: boolean; retriable?: boolean }): SagaStepKind =>
  s.pivot === true ? 'pivot' : s.retriable === true ? 'retriable' : 'compensatable';

export const sagas: Section<{ top: SagasScenarioPart; call: SagasCallPart }> = {
  name: 'sagas',
  top: {
    fields: topFields,
    build: (top: TopInput, _top, ctx) => ({
      sagas: Object.fromEntries(
        Object.entries(top.sagas ?? {}).map(([name, s]) => {
          const compensationRetry = s.compensationRetry ?? DEFAULT_SAGA_RETRY;
          const call = (to: string, st: StepInput, retry: unknown) =>
            ctx.call({ to, timeout: st.timeout, retry }) as unknown as SagaCallSpec;
          return [
            name,
            {
              orchestrator: s.orchestrator,
              compensation: s.compensation ?? 'serial',
              steps: s.steps.map((st): SagaStepSpec => {
                const kind = kindOf(st);
                const retry = st.retry ?? (kind === 'retriable' ? compensationRetry : undefined);
                return {
                  kind,
                  action: call(st.action, st, retry),
                  compensate: st.compensate === undefined || kind !== 'compensatable' ? null : call(st.compensate, st, compensationRetry),
                };
              }),
            } satisfies SagaSpec,
          ];
        }),
      ),
    }),
  },
  call: {
    fields: callFields,
    build: (c: CallInput) => ({ saga: c.saga ?? null, mode: (c.mode as SagaMode | undefined) ?? 'sync' }),
  },
  check: checkSagas,
};

/** Saga names, orchestrators, step targets, the order of compensatable, pivot and retriable steps, and calls that start sagas. */
function checkSagas(data: Raw): Problem[] {
  const problems: Problem[] = [];
  const endpoints = endpointsOf(data);
  const names = isMapping(data.sagas) ? Object.keys(data.sagas) : [];
  if (isMapping(data.sagas)) {
    for (const [name, s] of Object.entries(data.sagas)) {
      const base: PathSegment[] = ['sagas', name];
      if (!NAME.test(name))
        problems.push({ path: base, expected: 'a saga name of letters, digits, "-" and "_"', found: JSON.stringify(name), atKey: true });
      if (!isMapping(s)) continue;
      if (typeof s.orchestrator === 'string' && !endpoints.has(s.orchestrator))
        problems.push({
          path: [...base, 'orchestrator'],
          expected: `a service to run the saga (${[...endpoints.keys()].join(', ')})`,
          found: `"${s.orchestrator}", which is not a service`,
          hint: suggest(s.orchestrator, endpoints.keys(), 'did you mean "%s"?') || undefined,
        });
      if (!Array.isArray(s.steps)) continue;
      /** 0: compensatable steps so far; 1: after the pivot; 2: among retriable steps. */
      let phase = 0;
      s.steps.forEach((st, i) => {
        if (!isMapping(st)) return;
        const path: PathSegment[] = [...base, 'steps', i];
        for (const field of ['action', 'compensate'] as const) {
          const to = st[field];
          if (typeof to !== 'string') continue;
          const r = resolveTarget(to, endpoints);
          if (!('service' in r)) problems.push({ path: [...path, field], ...r });
        }
        const pivot = st.pivot === true;
        const retriable = st.retriable === true;
        if (pivot && retriable)
          problems.push({
            path: [...path, 'retriable'],
            expected: 'a step that is either the pivot or retriable',
            found: 'both',
            atKey: true,
          });
        // a pivot's compensate is accepted (the issue's own example has one) but never runs: a failed pivot left nothing to undo,
        // and past a successful one the saga only goes forward
        if (retriable && st.compensate !== undefined)
          problems.push({
            path: [...path, 'compensate'],
            expected: 'compensate only on a compensatable step (before the pivot)',
            found: 'a compensate on a retriable step (it is retried until it succeeds, never undone)',
            atKey: true,
          });
        if (pivot) {
          if (phase > 0)
            problems.push({
              path: [...path, 'pivot'],
              expected: 'one pivot, between the compensatable steps and the retriable ones',
              found: phase === 1 ? 'a second pivot' : 'a pivot after a retriable step',
              atKey: true,
            });
          phase = Math.max(phase, 1);
        } else if (retriable) phase = 2;
        else if (phase > 0)
          problems.push({
            path: [...path, 'action'],
            expected: 'compensatable steps before the pivot and the retriable steps (mark this step retriable: true, or move it up)',
            found: `a compensatable step after ${phase === 1 ? 'the pivot' : 'a retriable step'}`,
            atKey: true,
          });
      });
    }
  }
  forEachEndpoint(data, (_from, ep, base) => {
    if (!Array.isArray(ep.calls)) return;
    ep.calls.forEach((st, i) => {
      const calls = Array.isArray(st) ? st.map((c, j) => [c, [...base, 'calls', i, j]] as const) : [[st, [...base, 'calls', i]] as const];
      for (const [c, path] of calls) {
        if (!isMapping(c)) continue;
        if (c.saga === undefined) {
          if (c.mode !== undefined)
            problems.push({
              path: [...path, 'mode'],
              expected: 'mode only on a call that starts a saga ({ saga: name })',
              found: 'a mode on an ordinary call',
              atKey: true,
            });
          continue;
        }
        if (typeof c.saga !== 'string') continue; // the schema says
        if (c.to !== undefined) continue; // the core section says an entry is one of to, publish, saga
        if (c.mode === 'async')
          for (const field of ['timeout', 'retry', 'breaker', 'hedge', 'bulkhead', 'fallback'])
            if (c[field] !== undefined)
              problems.push({
                path: [...path, field],
                expected: 'no timeout, retry, breaker, hedge, bulkhead or fallback on an async saga call (its answer comes at once)',
                found: `a ${field}`,
                atKey: true,
              });
        if (!names.includes(c.saga))
          problems.push({
            path: [...path, 'saga'],
            expected: names.length ? `a saga (${names.join(', ')})` : 'a saga defined under sagas: (this scenario has none)',
            found: JSON.stringify(c.saga),
            hint: suggest(c.saga, names, 'did you mean "%s"?') || undefined,
          });
      }
    });
  });
  return problems;
}
