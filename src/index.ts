// msim's public API: load a scenario with changes, run it headless or slice by slice, read and check its report.
export { type ScenarioChanges, loadScenario, scenarioOverrides } from './run/api.js';
export { type Progress, Run, type RunOptions, type Truncation, runScenario } from './run/run.js';
export { LiveSession, type LiveOptions, type Speed } from './run/live-session.js';
export type { Snapshot } from './run/snapshot.js';
export { type Report, reportJson, reportJsonSchema, reportSchema } from './observe/report.js';
export { formatSummary } from './observe/summary.js';
export { type LoadEstimate, type ServiceLoad, estimateLoad, loadWarnings } from './analysis/offered-load.js';
export { type Problem, ScenarioError, formatProblem } from './scenario/problems.js';
export type { ScenarioSpec } from './scenario/spec.js';
export { type Intervention, type InterventionIntent, INTERVENTION_ACTIONS } from './model/interventions.js';
export { type Explanation, type ServiceExplanation, explain } from './analysis/explain.js';
export { type Vary, parseVary } from './run/vary.js';
export { type SweepPlan, type SweepResult, mergeShards, planSweep, runSweep } from './run/sweep.js';
export { type PlanResult, runPlan } from './run/plan.js';
export { inProcessExecutor, workerExecutor } from './run/executor.js';
