import { createConcurrentSink, createRunner, createSource, createUpdateFetcher, type RunnerHandle } from '@grammyjs/runner';
import type { Bot } from 'grammy';
import type { Update } from 'grammy/types';
import type { Logger } from '../../../src/logger.js';
import type { BotContext } from '../context.js';
import type { Inbox } from '../store/inbox.js';
import { describeError, type Redact } from './redact.js';

export interface PollingOptions {
  allowedUpdates: readonly string[];
  logger: Logger;
  redact: Redact;
}

/** The runner's signal comes from a polyfill, which Node's abortable timers do not take. */
interface StopSignal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

function pause(ms: number, signal: StopSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const stop = () => {
      clearTimeout(timer);
      reject(new Error('polling stopped'));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', stop);
      resolve();
    }, ms);
    signal.addEventListener('abort', stop);
  });
}

/** Keeps trying to store a fetched batch: until it is stored, Telegram must not hear it arrived. */
async function storeBeforeConfirming(inbox: Inbox, updates: Update[], signal: StopSignal, options: PollingOptions): Promise<Update[]> {
  for (let waitMs = 500; ; waitMs = Math.min(waitMs * 2, 30_000)) {
    try {
      const fresh = await inbox.store(updates);
      if (fresh.length < updates.length) options.logger.info({ repeated: updates.length - fresh.length }, 'telegram sent updates again that were already received: dropped');
      return fresh;
    } catch (error) {
      if (signal.aborted) throw error;
      options.logger.error({ err: describeError(error, options.redact), updates: updates.length }, 'storing telegram updates failed: retrying before confirming them');
      await pause(waitMs, signal);
    }
  }
}

/**
 * Long polling with @grammyjs/runner's own source and sink (one chat's updates in order by
 * the bot's sequentialize, chats in parallel), plus one step: each fetched batch is stored in
 * the inbox before it is handed on, so before the next getUpdates confirms it to Telegram.
 */
export function startPolling(bot: Bot<BotContext>, inbox: Inbox, options: PollingOptions): RunnerHandle {
  const fetchUpdates = createUpdateFetcher(bot, {
    fetch: { allowed_updates: [...options.allowedUpdates] as never, timeout: 30 },
    silent: true,
    retryInterval: 'exponential',
    maxRetryTime: 24 * 3600 * 1000,
  });
  const source = createSource<Update>({
    supply: async (batchSize, signal) => storeBeforeConfirming(inbox, await fetchUpdates(batchSize, signal), signal, options),
  });
  const sink = createConcurrentSink<Update>({ consume: (update) => bot.handleUpdate(update) }, async (error) => {
    options.logger.error({ err: describeError(error, options.redact) }, 'telegram update failed');
  });
  const runner = createRunner(source, sink);
  runner.start();
  return runner;
}
