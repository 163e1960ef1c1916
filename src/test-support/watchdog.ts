// A watchdog for tests that run generated input in-process: a case stuck in synchronous code cannot be
// interrupted by a test timeout, so a thread of its own names the case and kills the process instead.
import { Worker } from 'node:worker_threads';

const LABEL_BYTES = 4096;

// The watchdog times a case with its own clock from when it first sees it running: the two threads'
// clocks are not comparable (performance.timeOrigin differs, and Date.now() jumps with the system clock).
const CODE = `
const { workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const state = new Float64Array(workerData.state);
const label = new Uint8Array(workerData.label);
let seen = -1;
let since = 0;
setInterval(() => {
  if (state[0] === 0) {
    seen = -1;
    return;
  }
  if (state[3] !== seen) {
    seen = state[3];
    since = performance.now();
    return;
  }
  if (performance.now() - since > workerData.limitMs) {
    const text = Buffer.from(label.subarray(0, state[1])).toString('utf8');
    const cpu = process.cpuUsage();
    // CPU time near the wall time: a computation that does not end; much less: the process was blocked or starved
    const cpuMs = Math.round((cpu.user + cpu.system) / 1000 - state[2]);
    writeSync(2, '\\nwatchdog: ' + text + ': still running after ' + workerData.limitMs + ' ms (' + cpuMs + ' ms of CPU); killing the test process\\n');
    process.kill(process.pid, 'SIGKILL');
  }
}, 250);
`;

export class Watchdog {
  /** [a case is running (1) or not (0), length of its label, CPU time of the process at its start, its number] */
  private readonly state = new Float64Array(new SharedArrayBuffer(32));
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
    const cpu = process.cpuUsage();
    this.state[2] = (cpu.user + cpu.system) / 1000;
    this.state[3]++;
    this.state[0] = 1;
  }

  stop(): void {
    this.state[0] = 0;
  }

  dispose(): Promise<number> {
    return this.worker.terminate();
  }
}
