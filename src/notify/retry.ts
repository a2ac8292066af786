import { setTimeout as sleep } from 'node:timers/promises';
import { ChannelError } from './channel.js';

/**
 * Retries a delivery while the platform says it is worth it (down, rate limited), waiting
 * what it asks for. Permanent refusals (blocked bot, removed app) are thrown at once.
 */
export async function withRetry<T>(
  attempt: () => Promise<T>,
  options: { attempts?: number; baseDelayMs?: number; maxDelayMs?: number } = {},
): Promise<T> {
  const attempts = options.attempts ?? 6;
  const base = options.baseDelayMs ?? 500;
  const max = options.maxDelayMs ?? 60_000;
  for (let tried = 1; ; tried += 1) {
    try {
      return await attempt();
    } catch (error) {
      const retryable = !(error instanceof ChannelError) || error.retryable;
      if (!retryable || tried >= attempts) throw error;
      const wait = error instanceof ChannelError && error.retryAfterMs != null ? error.retryAfterMs : base * 2 ** (tried - 1);
      await sleep(Math.min(wait, max));
    }
  }
}
