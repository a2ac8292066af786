import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ChildMessage } from './child-protocol.js';

export interface Counters {
  commands: number;
  byCommand: Record<string, number>;
  rss: number;
  peakRss: number;
  /** CPU time the process used so far (user and system). */
  cpuMs: number;
}

/**
 * A bot under test in a process of its own, so its memory is its own and the benchmark's fakes
 * do not count; it reports its database commands and memory when asked.
 */
/** The V8 flags `npm start` gives the helpdesk (package.json), so the benchmark runs it the same way. */
export function startFlags(): string[] {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: { start: string } };
  // The flags between `node` and `--import tsx`, which only the source tree needs.
  const flags = /^node ((?:--[\w-]+(?:=\S+)? )*)--import/.exec(pkg.scripts.start)?.[1] ?? '';
  return flags.split(' ').filter(Boolean);
}

export class BotProcess {
  private readonly waiting: ((message: ChildMessage) => void)[] = [];
  private exited: Promise<number | null>;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (message: ChildMessage) => {
      for (const wake of this.waiting.splice(0)) wake(message);
    });
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /**
   * Starts `script` (a file of this folder) as compiled by `npm run bench` into dist/ (the
   * helpdesk runs compiled in production, and tsx's own memory would count against it), and
   * waits until it says it is ready. The helpdesk gets the V8 flags of `npm start`.
   */
  static async start(script: string, env: Record<string, string>, timeoutMs = 120_000): Promise<BotProcess> {
    const path = fileURLToPath(new URL(`../../dist/bench/relay/${script.replace(/^\.\//, '').replace(/\.ts$/, '.js')}`, import.meta.url));
    // RELAY_FLOOR_FLAGS gives the floor flags too, to compare like with like (see BENCHMARKS.md).
    const flags = script.includes('helpdesk') ? startFlags() : (process.env.RELAY_FLOOR_FLAGS?.split(' ').filter(Boolean) ?? []);
    const profile = process.env.RELAY_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.RELAY_CPU_PROF}`] : [];
    const child = fork(path, [], { execArgv: [...flags, ...profile], env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const process_ = new BotProcess(child);
    const ready = await Promise.race([
      process_.next(),
      process_.exited.then((code) => ({ type: 'exited', code }) as const),
      new Promise<{ type: 'timeout' }>((resolve) => setTimeout(() => resolve({ type: 'timeout' }), timeoutMs).unref()),
    ]);
    if (ready.type !== 'ready') {
      child.kill('SIGKILL');
      throw new Error(`${script} did not start: ${JSON.stringify(ready)}`);
    }
    return process_;
  }

  private next(): Promise<ChildMessage> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  async counters(): Promise<Counters> {
    const answer = this.next();
    this.child.send({ type: 'counters' });
    const message = await answer;
    if (message.type !== 'counters') throw new Error(`unexpected answer ${message.type}`);
    return { commands: message.commands, byCommand: message.byCommand, rss: message.rss, peakRss: message.peakRss, cpuMs: message.cpuMs };
  }

  async stop(): Promise<void> {
    this.child.send({ type: 'stop' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 30_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** What happened between two readings of the counters. */
export function commandsBetween(before: Counters, after: Counters): { commands: number; byCommand: Record<string, number>; cpuMs: number } {
  const byCommand: Record<string, number> = {};
  for (const [key, count] of Object.entries(after.byCommand)) {
    const delta = count - (before.byCommand[key] ?? 0);
    if (delta > 0) byCommand[key] = delta;
  }
  return { commands: after.commands - before.commands, byCommand, cpuMs: after.cpuMs - before.cpuMs };
}
