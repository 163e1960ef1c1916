// One run of model (b) in a process of its own, for the side-by-side with the reference: `node dist/bench/model-b.js hops|nonet <seed>`.
import { Run } from '../run/run.js';
import { loadScenarioText } from '../scenario/load.js';
import { CALL_GRAPH_HOPS_MODEL, CALL_GRAPH_MODEL } from './models.js';

const model = process.argv[2] === 'nonet' ? CALL_GRAPH_MODEL : CALL_GRAPH_HOPS_MODEL;
const report = new Run(loadScenarioText(model.yaml, 'model-b.yaml'), { seed: Number(process.argv[3] ?? 1) }).runToEnd();
const requests = report.requests.completed + report.requests.failed + report.requests.rejected;
process.stdout.write(
  `${JSON.stringify({ requests, events: report.engine.events, loopSeconds: report.engine.wallSeconds, mean: report.latencyMs.mean, p99: report.latencyMs.p99 })}\n`,
);
