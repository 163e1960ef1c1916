// The commands, by name: a summary for the top-level help, and the module that registers each (loaded only when used).
import type { Command } from 'commander';
import type { CliIo } from '../io.js';

export type Register = (program: Command, io: CliIo, setExit: (code: number) => void) => void;

export interface CommandEntry {
  readonly name: string;
  /** How the top-level help lists it: name, options, arguments (as commander writes it for the loaded command). */
  readonly term: string;
  /** The command's description as its module sets it (a test keeps the two equal). */
  readonly summary: string;
  /** Its module's register function: imported when the command runs or its help is asked for. */
  readonly load: () => Promise<Register>;
}

/** In the order `msim --help` lists them. */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'run',
    term: 'run [options] <scenario>',
    summary: 'run a scenario: a live dashboard on a terminal, a plain summary otherwise',
    load: async () => (await import('./run.js')).registerRun,
  },
  {
    name: 'validate',
    term: 'validate [options] <scenario>',
    summary: 'check a scenario file and report every problem with its line and column',
    load: async () => (await import('./validate.js')).registerValidate,
  },
  {
    name: 'schema',
    term: 'schema [options]',
    summary: 'print the JSON Schema of the JSON report (also in schemas/report.schema.json)',
    load: async () => (await import('./schema.js')).registerSchema,
  },
  {
    name: 'machines',
    term: 'machines [options]',
    summary:
      'print the statecharts msim runs (circuit breakers per preset, the saga lifecycle); --json to paste into a statechart visualizer',
    load: async () => (await import('./machines.js')).registerMachines,
  },
  {
    name: 'sweep',
    term: 'sweep [options] <scenario>',
    summary: 'run a scenario at every combination of some values, on several seeds: means with 95% intervals, a chart, CSV, JSON',
    load: async () => (await import('./sweep.js')).registerSweep,
  },
  {
    name: 'merge',
    term: 'merge [options] <files...>',
    summary: "combine a sharded sweep's JSON files: the same table, chart, CSV and JSON as the unsharded sweep",
    load: async () => (await import('./merge.js')).registerMerge,
  },
  {
    name: 'plan',
    term: 'plan [options] <scenario>',
    summary: 'find the smallest value of a field (or the cheapest combination of several) that meets every SLO on every seed',
    load: async () => (await import('./plan.js')).registerPlan,
  },
  {
    name: 'explain',
    term: 'explain [options] <scenario>',
    summary: 'estimate load, utilization, bottleneck and latency by queueing theory, in a moment, before simulating',
    load: async () => (await import('./explain.js')).registerExplain,
  },
  {
    name: 'lesson',
    term: 'lesson',
    summary: 'the course in lessons/: start an exercise, watch it, get hints, check your fix',
    load: async () => (await import('./lesson.js')).registerLesson,
  },
  {
    name: 'graph',
    term: 'graph [options] <scenario>',
    summary: 'print the call graph as Mermaid or Graphviz DOT, with rates and probabilities (measured ones from a report)',
    load: async () => (await import('./graph.js')).registerGraph,
  },
];
