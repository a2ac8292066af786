/**
 * The reports being built, at most one per person: a build reads a whole period, and a second
 * request beside it (an impatient click, a script retrying on a timeout) would only double the
 * load. Kept in memory: per process, and a build does not survive a restart. The bots, the REST
 * route each keep one; stop() of a bot waits for its running builds with idle().
 */
export interface ReportBuilds {
  /** Runs `build` for the person and gives its promise; null, with nothing run, while one of theirs runs. */
  run<T>(personKey: string, build: () => Promise<T>): Promise<T> | null;
  /** Resolves when no report is being built, or after `timeoutMs`. */
  idle(timeoutMs: number): Promise<void>;
}

export function createReportBuilds(): ReportBuilds {
  const running = new Map<string, Promise<void>>();

  return {
    run(personKey, build) {
      if (running.has(personKey)) return null;
      const task = build();
      // The caller handles the build's outcome; this only keeps the map right.
      running.set(
        personKey,
        task.then(
          () => undefined,
          () => undefined,
        ).finally(() => running.delete(personKey)),
      );
      return task;
    },

    async idle(timeoutMs) {
      if (running.size === 0) return;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
      await Promise.race([Promise.all(running.values()), timeout]);
      clearTimeout(timer);
    },
  };
}
