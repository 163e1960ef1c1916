// A watchdog for tests that run generated input in-process: a case stuck in synchronous code cannot be
// interrupted by a test timeout, so a thread of its own names the case and kills the process instead.
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';

const LABEL_BYTES = 4096;

const CODE = `
const { workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const state = new Float64Array(workerData.state);
const label = new Uint8Array(workerData.label);
setInterval(() => {
  if (state[0] > 0 && performance.timeOrigin + performance.now() - state[0] > workerData.limitMs) {
    const text = Buffer.from(label.subarray(0, state[1])).toString('utf8');
    writeSync(2, '\\nwatchdog: ' + text + ': still running after ' + workerData.limitMs + ' ms; killing the test process\\n');
    process.kill(process.pid, 'SIGKILL');
  }
}, 250);
`;

export class Watchdog {
  /** [start time of the running case (0: none), length of its label] */
  private readonly state = new Float64Array(new SharedArrayBuffer(16));
  private readonly label = new Uint8Array(new SharedArrayBuffer(LABEL_BYTES));
  private readonly worker: Worker;

  constructor(limitMs: number) {
    this.worker = new Worker(CODE, { eval: true, workerData: { state: this.state.buffer, label: this.label.buffer, limitMs } });
    this.worker.unref();
  }

  /** A case starts; `label` says how to reproduce it. */
  start(label: string): void {
    const bytes = Buffer.from(label).subarray(0, LABEL_BYTES);
    this.label.set(bytes);
    this.state[1] = bytes.length;
    // monotonic in both threads (Date.now() would jump with the system clock)
    this.state[0] = performance.timeOrigin + performance.now();
  }

  stop(): void {
    this.state[0] = 0;
  }

  dispose(): Promise<number> {
    return this.worker.terminate();
  }
}
