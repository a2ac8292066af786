import { performance } from 'node:perf_hooks';

/**
 * Waits for texts to appear in chats: each relayed message carries a unique tag, and the chat
 * fake reports every message it shows anew (a new message or an edit). Resolves with the time
 * it took, or null when it did not appear within the timeout.
 */
export class Appearances {
  private readonly pending = new Map<string, Map<string, () => void>>();

  /** To be called with every message a chat shows anew. */
  seen(chatKey: string, text: string): void {
    const waiting = this.pending.get(chatKey);
    if (!waiting) return;
    for (const [tag, done] of waiting) if (text.includes(tag)) done();
  }

  /** Starts the clock now; resolves with milliseconds until `tag` shows in the chat, or null. */
  expect(chatKey: string, tag: string, timeoutMs: number): Promise<number | null> {
    const started = performance.now();
    return new Promise((resolve) => {
      let waiting = this.pending.get(chatKey);
      if (!waiting) this.pending.set(chatKey, (waiting = new Map<string, () => void>()));
      const finish = (value: number | null) => {
        clearTimeout(timer);
        waiting.delete(tag);
        resolve(value);
      };
      const timer = setTimeout(() => finish(null), timeoutMs);
      waiting.set(tag, () => finish(performance.now() - started));
    });
  }
}

export interface LatencySummary {
  messages: number;
  lost: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

function percentile(sorted: number[], share: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)]!;
}

export function summarize(latencies: (number | null)[], seconds: number): LatencySummary {
  const arrived = latencies.filter((value): value is number => value !== null).sort((a, b) => a - b);
  return {
    messages: latencies.length,
    lost: latencies.length - arrived.length,
    seconds,
    perSecond: arrived.length / seconds,
    p50Ms: percentile(arrived, 0.5),
    p95Ms: percentile(arrived, 0.95),
    maxMs: arrived.at(-1) ?? NaN,
  };
}

/**
 * Every sender at once, each sending its messages one after another, the next when the last has
 * appeared (or timed out): the load a team of that size makes, and each message's latency.
 */
export async function closedLoop(senders: number, messages: number, send: (sender: number, index: number) => Promise<number | null>): Promise<{ latencies: (number | null)[]; seconds: number }> {
  const latencies: (number | null)[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: senders }, async (_, sender) => {
      for (let index = 0; index < messages; index += 1) latencies.push(await send(sender, index));
    }),
  );
  return { latencies, seconds: (performance.now() - started) / 1000 };
}
