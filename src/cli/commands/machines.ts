// `msim machines [--json]`: the statecharts msim runs (circuit breakers, per preset), for a statechart visualizer.
import type { Command } from 'commander';
import { BREAKER_PRESETS, createBreakerMachine } from '../../model/breaker.machine.js';
import { type CliIo, EXIT_OK } from '../io.js';
import { sagaMachine } from '../../model/saga.machine.js';

interface TransitionConfig {
  target?: string;
  guard?: string;
}

export function registerMachines(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('machines')
    .description(
      'print the statecharts msim runs (circuit breakers per preset, the saga lifecycle); --json to paste into a statechart visualizer',
    )
    .option('--json', 'the xstate machine configurations as JSON')
    .action((flags: { json?: boolean }) => {
      const machines: Record<string, { context?: unknown; states?: Record<string, unknown> }> = Object.fromEntries([
        ...Object.entries(BREAKER_PRESETS).map(([preset, config]) => [`breaker.${preset}`, createBreakerMachine(config).config] as const),
        ['saga', sagaMachine.config] as const,
      ]);
      if (flags.json) {
        io.stdout.write(`${JSON.stringify(machines, null, 2)}\n`);
      } else {
        for (const [name, m] of Object.entries(machines)) {
          const config = m.context && (m.context as { config?: unknown }).config;
          io.stdout.write(config === undefined ? `${name}\n` : `${name}  (${JSON.stringify(config)})\n`);
          for (const [state, node] of Object.entries(m.states ?? {})) {
            for (const [event, t] of Object.entries((node as { on?: Record<string, TransitionConfig | TransitionConfig[]> }).on ?? {})) {
              for (const tr of Array.isArray(t) ? t : [t]) {
                if (tr.target) io.stdout.write(`  ${state} --${event}${tr.guard ? ` [${tr.guard}]` : ''}--> ${tr.target}\n`);
              }
            }
          }
        }
        io.stdout.write('(msim machines --json prints them for a statechart visualizer)\n');
      }
      setExit(EXIT_OK);
    });
}
