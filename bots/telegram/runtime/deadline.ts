import type { Transformer } from 'grammy';

export interface DeadlineOptions {
  /** Most calls: a message, an edit, an answer. */
  callMs: number;
  /** Uploads (documents, photos: a workbook may be tens of megabytes). */
  uploadMs: number;
  /** Long polling waits `timeout` seconds for updates by design; this much longer at most. */
  pollGraceMs: number;
}

export const defaultDeadlines: DeadlineOptions = { callMs: 10_000, uploadMs: 60_000, pollGraceMs: 15_000 };

const uploads = new Set(['sendDocument', 'sendPhoto']);

/**
 * Every Bot API call has a deadline of seconds, not grammY's 500 s: a Bot API server that
 * accepts the connection and never answers fails the call (a network error, retried by the
 * retry transformer and then by the outbox), so it holds up nothing else for long.
 */
export function deadlineTransformer(options: DeadlineOptions = defaultDeadlines): Transformer {
  return async (prev, method, payload, signal) => {
    const polling = method === 'getUpdates';
    const waitsSeconds = polling ? Number((payload as { timeout?: unknown } | undefined)?.timeout ?? 0) : 0;
    const ms = polling ? waitsSeconds * 1000 + options.pollGraceMs : uploads.has(method) ? options.uploadMs : options.callMs;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error(`${method}: no answer within ${ms} ms`)), ms);
    const stop = () => controller.abort(new Error(`${method}: aborted`));
    if (signal?.aborted) stop();
    signal?.addEventListener('abort', stop);
    try {
      // grammY types its signal as the abort-controller polyfill's; Node's own is what it uses.
      return await prev(method, payload, controller.signal as unknown as typeof signal);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', stop);
    }
  };
}

/**
 * An answer that is not the Bot API's (a proxy's or a self-hosted server's error as
 * `{"message": ...}`, a bare `{}`) becomes a server error with a description, so everything
 * after reads it as a failure to retry rather than failing on a missing field. A body that is
 * not JSON at all (an HTML page, nothing) already fails as a network error in grammY.
 */
export function answerShapeTransformer(): Transformer {
  return async (prev, method, payload, signal) => {
    const answer = (await prev(method, payload, signal)) as unknown;
    const shaped = answer as { ok?: unknown; error_code?: unknown; description?: unknown } | null;
    if (shaped && typeof shaped === 'object' && (shaped.ok === true || (shaped.ok === false && typeof shaped.error_code === 'number'))) {
      if (shaped.ok === false && typeof shaped.description !== 'string') return { ...(answer as object), description: 'no description' } as never;
      return answer as never;
    }
    const seen = JSON.stringify(answer) ?? String(answer);
    return { ok: false, error_code: 502, description: `Bad Gateway: unexpected answer to ${method}: ${seen.slice(0, 200)}` } as never;
  };
}
