/**
 * The reports being built, at most one per person. A build runs outside the update that
 * asked for it, so the chat (a department's group with its cards, too) is not held up for
 * the minutes a long period can take; stop() waits for the running ones. Kept in memory:
 * a build does not survive a restart either.
 */
export interface ReportBuilds {
  /** Starts `build` for the person; false (and nothing started) while one of theirs runs. */
  start(personKey: string, build: () => Promise<void>): boolean;
  /** Resolves when no report is being built, or after `timeoutMs`. */
  idle(timeoutMs: number): Promise<void>;
}

export function createReportBuilds(): ReportBuilds {
  const running = new Map<string, Promise<void>>();

  return {
    start(personKey, build) {
      if (running.has(personKey)) return false;
      // The build reports its own failures; this only keeps the map right.
      const task = build()
        .catch(() => undefined)
        .finally(() => running.delete(personKey));
      running.set(personKey, task);
      return true;
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
