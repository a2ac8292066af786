import { GrammyError, HttpError, type Transformer } from 'grammy';

export interface RetryOptions {
  /** Attempts of a call Telegram asks to repeat later (429, with retry_after). */
  attempts: number;
  /**
   * Attempts of a call that failed on the server's side or the network's (5xx, no answer in
   * time). Few: a blip passes within them; an outage is the breaker's and the outbox's to wait
   * out, with backoff, without holding this call for minutes.
   */
  serverAttempts?: number;
  baseDelayMs: number;
  maxDelayMs?: number;
}

/** Long polling has the runner's own retry; answering a callback late is useless. */
const notRetried = new Set(['getUpdates', 'answerCallbackQuery']);

/** grammY's signal type comes from the abort-controller shim; only these members are used. */
interface Signal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

function wait(ms: number, signal?: Signal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Error('aborted'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Retries an API call that Telegram asks us to repeat: 429 after its `retry_after`, 5xx and
 * network failures with exponential backoff. Messages are delayed, never dropped, until the
 * attempts run out; then the error reaches the caller (the outbox job retries again later).
 */
export function retryTransformer(options: RetryOptions): Transformer {
  const maxDelay = options.maxDelayMs ?? 60_000;
  const serverAttempts = options.serverAttempts ?? 2;
  return async (prev, method, payload, signal) => {
    if (notRetried.has(method)) return prev(method, payload, signal);
    let serverFailures = 0;
    for (let attempt = 1; ; attempt += 1) {
      let delay: number;
      try {
        const result = await prev(method, payload, signal);
        if (result.ok) return result;
        const retryAfter = result.parameters?.retry_after;
        if (typeof retryAfter === 'number') {
          delay = retryAfter * 1000;
          if (attempt >= options.attempts) return result;
        } else if (result.error_code >= 500) {
          serverFailures += 1;
          delay = Math.min(maxDelay, options.baseDelayMs * 2 ** (serverFailures - 1));
          if (serverFailures >= serverAttempts || attempt >= options.attempts) return result;
        } else return result;
      } catch (error) {
        const network = error instanceof HttpError && !(error instanceof GrammyError);
        serverFailures += 1;
        if (!network || signal?.aborted || serverFailures >= serverAttempts || attempt >= options.attempts) throw error;
        delay = Math.min(maxDelay, options.baseDelayMs * 2 ** (serverFailures - 1));
      }
      await wait(delay, signal);
    }
  };
}
