import { ChannelStartError } from './notify/channel.js';
import type { Logger } from './logger.js';

export interface StartableChat {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface StartChatOptions {
  /** How long start-up waits for the platform before going on without it. */
  waitMs?: number;
  /** First pause between background attempts; doubled up to `maxRetryMs`. */
  retryMs?: number;
  maxRetryMs?: number;
}

function isPermanent(error: unknown): boolean {
  return error instanceof ChannelStartError && error.permanent;
}

/**
 * Starts a chat platform without letting its outage stop the helpdesk. Refused credentials
 * stop start-up (a configuration error to fix now). A platform that cannot be reached is
 * retried in the background while the REST API works and deliveries wait in the outbox.
 * Returns the stop function, which also ends the retries.
 */
export async function startChat(name: string, chat: StartableChat, logger: Logger, options: StartChatOptions = {}): Promise<() => Promise<void>> {
  const waitMs = options.waitMs ?? 10_000;
  const maxRetryMs = options.maxRetryMs ?? 5 * 60_000;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();

  function attempt(retryMs: number): Promise<void> {
    const started = chat.start().then(
      async () => {
        // Stopped while the attempt was under way: undo it.
        if (stopped) await chat.stop();
      },
      (error: unknown) => {
        if (stopped) return;
        if (isPermanent(error)) {
          logger.error({ err: error }, `${name}: the platform refused the credentials; not retrying`);
          throw error;
        }
        logger.error({ err: error, retryInSeconds: Math.round(retryMs / 1000) }, `${name}: could not start; retrying in the background`);
        timer = setTimeout(() => {
          running = attempt(Math.min(retryMs * 2, maxRetryMs)).catch(() => undefined);
        }, retryMs);
        timer.unref();
      },
    );
    running = started.catch(() => undefined);
    return started;
  }

  const first = attempt(options.retryMs ?? 30_000);
  let waited: NodeJS.Timeout | null = null;
  const patience = new Promise<'waiting'>((resolve) => {
    waited = setTimeout(() => resolve('waiting'), waitMs);
  });
  try {
    if ((await Promise.race([first, patience])) === 'waiting') logger.warn(`${name}: still connecting; the helpdesk goes on without waiting`);
  } finally {
    if (waited) clearTimeout(waited);
  }
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await running;
    await chat.stop();
  };
}
