import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Update } from 'grammy/types';

export const WEBHOOK_PATH = '/telegram/webhook';
const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

function sameSecret(given: unknown, secret: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * POST /telegram/webhook. Only Telegram knows the secret it sends in its header; anything
 * else gets 401. The update is stored and acknowledged at once: Telegram re-sends an update
 * whose answer is slow, so the work never happens inside the request. `accept` resolves
 * false when the bot is not taking updates, and rejects when they cannot be stored.
 */
export function webhookRoute(options: { secret: string; accept: (update: Update) => Promise<boolean> }) {
  return async (app: FastifyInstance): Promise<void> => {
    // Telegram's to call, not the API's users: kept out of the OpenAPI document.
    app.post(WEBHOOK_PATH, { bodyLimit: 1024 * 1024, schema: { hide: true } }, async (request, reply) => {
      if (!sameSecret(request.headers[SECRET_HEADER], options.secret)) return reply.code(401).send({ error: 'unauthorized' });
      const update = request.body as Update | null;
      if (typeof update !== 'object' || update === null || !Number.isSafeInteger(update.update_id)) {
        return reply.code(400).send({ error: 'not a telegram update' });
      }
      // Not started yet, stopping, or the database is down: 503 makes Telegram deliver it again later.
      const accepted = await options.accept(update).catch((error: unknown) => {
        request.log.error({ err: error, updateId: update.update_id }, 'storing a telegram update failed: answered 503, Telegram sends it again');
        return false;
      });
      if (!accepted) return reply.code(503).send({ error: 'not ready' });
      return reply.code(200).send({ ok: true });
    });
  };
}
