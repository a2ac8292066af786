import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { startHeapSettler } from '../../src/heap-settler.js';

const MiB = 1024 * 1024;

/** A settler on a short interval whose load and resident set the test sets. */
function settler(options: { collect?: (() => void) | null } = {}) {
  const state = { busy: 0, rss: 100 * MiB, collected: 0 };
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  const collect =
    options.collect === undefined
      ? () => {
          state.collected++;
          state.rss -= 30 * MiB;
        }
      : options.collect;
  const stop = startHeapSettler(logger, { intervalMs: 10, minGrowthBytes: 16 * MiB, collect, utilization: () => state.busy, rss: () => state.rss });
  return { state, lines, stop };
}

const ticks = (n: number) => new Promise((resolve) => setTimeout(resolve, 10 * n + 15));

describe('the heap settler', () => {
  it('gives memory back once after the start, and again only after a burst grew the process', async () => {
    const { state, lines, stop } = settler();
    try {
      await ticks(5);
      expect(state.collected).toBe(1);
      expect(lines.find((line) => line.msg === 'quiet: memory given back')).toMatchObject({ rssBefore: 100 * MiB, rssAfter: 70 * MiB });
      state.rss += 10 * MiB;
      await ticks(5);
      expect(state.collected).toBe(1);
      state.rss += 10 * MiB;
      await ticks(5);
      expect(state.collected).toBe(2);
    } finally {
      stop();
    }
  });

  it('never collects while the event loop is busy', async () => {
    const { state, stop } = settler();
    try {
      state.busy = 0.5;
      await ticks(5);
      expect(state.collected).toBe(0);
      state.busy = 0.01;
      await ticks(5);
      expect(state.collected).toBe(1);
    } finally {
      stop();
    }
  });

  it('logs a failed collection and tries again at the next quiet window', async () => {
    let calls = 0;
    const { lines, stop } = settler({
      collect: () => {
        calls++;
        throw new Error('no memory to give');
      },
    });
    try {
      await ticks(3);
      expect(calls).toBeGreaterThanOrEqual(2);
      expect(lines.filter((line) => line.msg === 'giving memory back failed').length).toBe(calls);
    } finally {
      stop();
    }
  });

  it('says so and does nothing on a runtime without the collection', async () => {
    const { lines, stop } = settler({ collect: null });
    await ticks(3);
    stop();
    expect(lines.map((line) => line.msg)).toEqual(['this runtime offers no memory-reducing collection: memory after bursts is given back only as V8 decides']);
  });

  it("really shrinks a heap a burst grew, in a process started without V8's --expose-gc", () => {
    const script = fileURLToPath(new URL('./support/young-burst.ts', import.meta.url));
    const result = spawnSync(process.execPath, ['--max-semi-space-size=16', '--import', 'tsx', script], { encoding: 'utf8', timeout: 30_000 });
    expect(result.status, result.stderr).toBe(0);
    type Heap = { heap: number; young: number };
    const measured = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { available: boolean; before: Heap; after: Heap };
    expect(measured.available).toBe(true);
    // The young generation, grown to 2 x 16 MiB, goes back to its smallest (an ordinary full
    // collection leaves it as it is); the burst's garbage goes too.
    expect(measured.before.young).toBeGreaterThanOrEqual(16 * MiB);
    expect(measured.after.young).toBeLessThanOrEqual(4 * MiB);
    expect(measured.before.heap - measured.after.heap).toBeGreaterThan(16 * MiB);
  });
});
