import { GrammyError, HttpError, type Transformer } from 'grammy';
import { describe, expect, it } from 'vitest';
import { retryTransformer } from '../../bots/telegram/runtime/retry.js';
import { throttleTransformer } from '../../bots/telegram/runtime/throttle.js';
import { toChannelError } from '../../bots/telegram/runtime/telegram-errors.js';
import { createRedact, describeError } from '../../bots/telegram/runtime/redact.js';

type Prev = Parameters<Transformer>[0];
const ok = { ok: true as const, result: true };

function recorder(answers: (() => unknown)[]) {
  const calls: { method: string; at: number }[] = [];
  const prev = ((method: string) => {
    calls.push({ method, at: Date.now() });
    const next = answers.shift() ?? (() => ok);
    return Promise.resolve().then(next);
  }) as unknown as Prev;
  return { calls, prev };
}

describe('outgoing limits', () => {
  it('delays messages over the global rate instead of dropping them', async () => {
    const throttle = throttleTransformer({ globalPerSecond: 5, groupPerMinute: 1000 });
    const { calls, prev } = recorder([]);
    const started = Date.now();
    await Promise.all(Array.from({ length: 11 }, (_, i) => throttle(prev, 'sendMessage', { chat_id: i + 1, text: 'x' })));
    expect(calls).toHaveLength(11);
    // 5 now, 5 after a second, 1 after two seconds.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
  });

  it('keeps one group under its own window while other chats go on', async () => {
    const throttle = throttleTransformer({ globalPerSecond: 1000, groupPerMinute: 2, groupWindowMs: 600 });
    const { calls, prev } = recorder([]);
    const started = Date.now();
    const group = Array.from({ length: 5 }, () => throttle(prev, 'sendMessage', { chat_id: -100, text: 'x' }));
    await throttle(prev, 'sendMessage', { chat_id: 42, text: 'x' });
    expect(Date.now() - started).toBeLessThan(300);
    await Promise.all(group);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1150);
    expect(calls).toHaveLength(6);
  });

  it('holds a private chat to its burst, then about one a second, when asked', async () => {
    const throttle = throttleTransformer({ globalPerSecond: 1000, groupPerMinute: 1000, privateBurst: 2, privateWindowMs: 500 });
    const { calls, prev } = recorder([]);
    const started = Date.now();
    const chat = Array.from({ length: 5 }, () => throttle(prev, 'sendMessage', { chat_id: 42, text: 'x' }));
    await throttle(prev, 'sendMessage', { chat_id: 43, text: 'x' });
    expect(Date.now() - started).toBeLessThan(300);
    await Promise.all(chat);
    // 2 now, 2 after half a second, 1 after a second.
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(calls).toHaveLength(6);
    const unpaced = recorder([]);
    const free = Date.now();
    await Promise.all(Array.from({ length: 5 }, () => throttleTransformer({ globalPerSecond: 1000, groupPerMinute: 1000 })(unpaced.prev, 'sendMessage', { chat_id: 42, text: 'x' })));
    expect(Date.now() - free).toBeLessThan(300);
  });

  it("counts a message's place in the window from its answer, not from when it was handed over", async () => {
    const throttle = throttleTransformer({ globalPerSecond: 2, groupPerMinute: 1000 });
    const slow = () => new Promise((resolve) => setTimeout(() => resolve(ok), 300));
    const { calls, prev } = recorder([slow, slow]);
    const started = Date.now();
    await Promise.all(Array.from({ length: 3 }, (_, i) => throttle(prev, 'sendMessage', { chat_id: i + 1, text: 'x' })));
    // The first two may have reached Telegram as late as their answers (300 ms): the third waits a second from then.
    expect(calls[2]!.at - started).toBeGreaterThanOrEqual(1250);
  });

  it('never throttles callback answers', async () => {
    const throttle = throttleTransformer({ globalPerSecond: 1, groupPerMinute: 1 });
    const { calls, prev } = recorder([]);
    const started = Date.now();
    await Promise.all(Array.from({ length: 5 }, () => throttle(prev, 'answerCallbackQuery', { callback_query_id: 'x' })));
    expect(calls).toHaveLength(5);
    expect(Date.now() - started).toBeLessThan(200);
  });

  it('retries 429 after retry_after, 5xx and network errors with backoff, and not a 400', async () => {
    const retry = retryTransformer({ attempts: 5, serverAttempts: 3, baseDelayMs: 10 });
    const flood = () => ({ ok: false, error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } });
    const down = () => ({ ok: false, error_code: 502, description: 'Bad Gateway' });
    const network = () => {
      throw new HttpError('Network request for sendMessage failed!', new Error('ECONNRESET'));
    };
    const { calls, prev } = recorder([flood, down, network, () => ok]);
    const started = Date.now();
    await expect(retry(prev, 'sendMessage', { chat_id: 1, text: 'x' })).resolves.toEqual(ok);
    expect(calls).toHaveLength(4);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);

    // Two server failures in a row are the limit by default: an outage is left to the outbox.
    const twice = recorder([down, network, () => ok]);
    await expect(retryTransformer({ attempts: 5, baseDelayMs: 10 })(twice.prev, 'sendMessage', { chat_id: 1, text: 'x' })).rejects.toBeInstanceOf(HttpError);
    expect(twice.calls).toHaveLength(2);

    const bad = recorder([() => ({ ok: false, error_code: 400, description: 'Bad Request: chat not found' })]);
    await expect(retry(bad.prev, 'sendMessage', { chat_id: 1, text: 'x' })).resolves.toMatchObject({ ok: false });
    expect(bad.calls).toHaveLength(1);
  });

  it('maps Bot API failures to channel errors that say whether to retry', () => {
    const redact = createRedact('123:TOKEN');
    const error = (code: number, description: string, parameters = {}) =>
      new GrammyError('Call failed', { ok: false, error_code: code, description, parameters }, 'sendMessage', {});
    expect(toChannelError(error(429, 'Too Many Requests', { retry_after: 7 }), redact)).toMatchObject({ retryable: true, retryAfterMs: 7000 });
    expect(toChannelError(error(500, 'Internal'), redact)).toMatchObject({ retryable: true });
    // A refused token is fixed in the configuration; what waits must still go out afterwards.
    expect(toChannelError(error(401, 'Unauthorized'), redact)).toMatchObject({ retryable: true });
    expect(toChannelError(error(403, 'Forbidden: bot was blocked by the user'), redact)).toMatchObject({ retryable: false, movedTo: null });
    expect(toChannelError(error(400, 'Bad Request: group chat was upgraded to a supergroup chat', { migrate_to_chat_id: -1009 }), redact)).toMatchObject({
      retryable: false,
      movedTo: '-1009',
    });
    const network = new HttpError('Network request failed', new Error('request to https://x/bot123:TOKEN/getMe failed'));
    expect(JSON.stringify(describeError(network, redact))).not.toContain('TOKEN');
    expect(toChannelError(network, redact)).toMatchObject({ retryable: true });
  });
});
