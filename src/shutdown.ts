import type { Logger } from './logger.js';

/**
 * Runs the stop steps once, in order, on SIGTERM or SIGINT: the composition root registers
 * them as it starts things, and they undo in reverse (stop intake first, database last).
 */
export function createShutdown(logger: Logger) {
  const steps: { name: string; run: () => Promise<void> }[] = [];
  let running: Promise<void> | null = null;

  async function shutdown(reason: string): Promise<void> {
    running ??= (async () => {
      logger.info({ reason }, 'shutting down');
      for (const step of [...steps].reverse()) {
        try {
          await step.run();
          logger.info({ step: step.name }, 'stopped');
        } catch (error) {
          logger.error({ err: error, step: step.name }, 'stop step failed');
        }
      }
    })();
    return running;
  }

  return {
    /** Registers something to stop; later registrations stop first. */
    add(name: string, run: () => Promise<void>): void {
      steps.push({ name, run });
    },
    shutdown,
    /** Installs the signal handlers; a second signal exits at once. */
    listen(): void {
      let signals = 0;
      const onSignal = (signal: NodeJS.Signals) => {
        signals += 1;
        if (signals > 1) process.exit(1);
        void shutdown(signal).then(() => process.exit(0));
      };
      process.once('SIGTERM', onSignal);
      process.once('SIGINT', onSignal);
    },
  };
}

export type Shutdown = ReturnType<typeof createShutdown>;
