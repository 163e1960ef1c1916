// A worker thread of the executor: runs the (scenario, seed) tasks it is sent and posts back their metrics.
import { parentPort } from 'node:worker_threads';
import { type RunTask, runTask } from './executor.js';

parentPort?.on('message', (job: { index: number; task: RunTask }) => {
  parentPort!.postMessage({ index: job.index, outcome: runTask(job.task) });
});
