import type { MongoClient } from 'mongodb';

/** What the benchmark asks a bot process, over the child-process channel. */
export type ParentMessage = { type: 'counters' } | { type: 'stop' };

/** What a bot process answers. */
export type ChildMessage =
  | { type: 'ready' }
  | { type: 'counters'; commands: number; byCommand: Record<string, number>; rss: number; peakRss: number; cpuMs: number }
  | { type: 'stopped' };

/**
 * Counts the database commands a process sends (the driver's command monitoring, on a
 * client opened with monitorCommands=true) and samples its RSS, for the benchmark to read
 * between phases.
 */
export function serveCounters(clients: MongoClient[], stop: () => Promise<void>): void {
  const byCommand: Record<string, number> = {};
  let commands = 0;
  for (const client of clients) {
    client.on('commandStarted', (event) => {
      const collection = (event.command as Record<string, unknown>)[event.commandName];
      const key = `${event.commandName} ${typeof collection === 'string' ? collection : ''}`.trim();
      byCommand[key] = (byCommand[key] ?? 0) + 1;
      commands += 1;
    });
  }
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 100);
  sampler.unref();
  const send = (message: ChildMessage) => process.send?.(message);
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'counters') {
      const rss = process.memoryUsage().rss;
      peakRss = Math.max(peakRss, rss);
      const cpu = process.cpuUsage();
      send({ type: 'counters', commands, byCommand: { ...byCommand }, rss, peakRss, cpuMs: (cpu.user + cpu.system) / 1000 });
    } else if (message.type === 'stop') {
      void stop().then(
        () => {
          send({ type: 'stopped' });
          process.exit(0);
        },
        (error: unknown) => {
          console.error(error);
          process.exit(1);
        },
      );
    }
  });
  send({ type: 'ready' });
}
