// Running many (scenario, seed) runs for sweeps and plans: in this thread, or spread over worker threads with identical results.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ScenarioSpec } from '../scenario/spec.js';
import { type Metrics, pointMetrics } from './point-metrics.js';
import { replicate } from './replicate.js';

/** One run to make: a scenario (with a point's overrides applied), a seed, and the report paths to keep beyond the usual ones. */
export interface RunTask {
  readonly spec: ScenarioSpec;
  readonly seed: number;
  readonly extra: readonly string[];
}

/** What a run gave: its metrics, and whether it stopped early (the Run guard: too many requests in the system). */
export interface RunOutcome {
  readonly metrics: Metrics;
  readonly truncated: boolean;
}

/** Makes runs; results come back in task order whatever the order they finish in. */
export interface Executor {
  run(tasks: readonly RunTask[], onDone?: (done: number) => void): Promise<RunOutcome[]>;
  close(): Promise<void>;
}

/** One run, headless: the same code in this thread and in a worker, and the replication code lessons grade with. */
export function runTask(task: RunTask): RunOutcome {
  const [report] = replicate(task.spec, [task.seed]);
  return { metrics: pointMetrics(report, task.extra), truncated: report.truncated };
}

/** Runs one after another in this thread (yielding to the event loop between runs, so that progress is drawn). */
export function inProcessExecutor(): Executor {
  return {
    async run(tasks, onDone) {
      const out: RunOutcome[] = [];
      for (const t of tasks) {
        out.push(runTask(t));
        onDone?.(out.length);
        await new Promise((resolve) => setImmediate(resolve));
      }
      return out;
    },
    async close() {},
  };
}

/** The worker's module: beside this one once compiled (dist/run); from the sources (tests), the compiled copy in dist. */
function workerFile(): string {
  const here = fileURLToPath(new URL('./run-worker.js', import.meta.url));
  if (existsSync(here)) return here;
  const compiled = here.replace(/([\\/])src([\\/]run[\\/])/, '$1dist$2');
  if (existsSync(compiled)) return compiled;
  throw new Error(`the run worker is not built (${compiled}): run npm run build`);
}

interface Job {
  readonly index: number;
  readonly task: RunTask;
}

/**
 * Runs spread over `threads` worker threads, each taking the next task when it
 * finishes one (long and short runs balance themselves). Every run is the same
 * deterministic computation wherever it happens, and results are put back in
 * task order: the output is identical to the in-thread executor's.
 */
export function workerExecutor(threads: number): Executor {
  const workers: Worker[] = [];
  const file = workerFile();
  return {
    run(tasks, onDone) {
      return new Promise<RunOutcome[]>((resolve, reject) => {
        const out: RunOutcome[] = new Array(tasks.length);
        let next = 0;
        let done = 0;
        let failed = false;
        if (tasks.length === 0) {
          resolve(out);
          return;
        }
        const give = (w: Worker): void => {
          if (next >= tasks.length) return;
          const job: Job = { index: next, task: tasks[next] };
          next++;
          w.postMessage(job);
        };
        const count = Math.max(1, Math.min(threads, tasks.length));
        while (workers.length < count) workers.push(new Worker(file));
        for (const w of workers) {
          w.removeAllListeners();
          w.on('message', (msg: { index: number; outcome: RunOutcome }) => {
            if (failed) return;
            out[msg.index] = msg.outcome;
            done++;
            onDone?.(done);
            if (done === tasks.length) resolve(out);
            else give(w);
          });
          w.on('error', (err) => {
            failed = true;
            reject(err);
          });
          // a worker that dies without an error event (out of memory, killed) must not leave the sweep waiting forever
          w.on('exit', (code) => {
            const i = workers.indexOf(w);
            if (i >= 0) workers.splice(i, 1);
            if (failed || done === tasks.length) return;
            failed = true;
            reject(new Error(`a sweep worker exited (code ${code}) before its runs were done`));
          });
          give(w);
        }
      });
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
      workers.length = 0;
    },
  };
}
