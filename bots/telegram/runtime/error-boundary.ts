import type { MiddlewareFn } from 'grammy';
import { isHelpdeskError, type HelpdeskError } from '../../../src/errors.js';
import type { Logger } from '../../../src/logger.js';
import type { BotContext } from '../context.js';
import { formatBytes } from '../ui/format.js';
import { ALERT_LIMIT, truncate } from '../ui/html.js';
import { InvalidButtonError, NotLinkedError, StaleButtonError } from './bot-errors.js';
import { describeError, type Redact } from './redact.js';
import { needsReopen } from '../../../src/tickets/transition-error.js';

/** Refusals that may be an attack or a misuse: logged as warnings with who and what. */
const suspicious = new Set(['FORBIDDEN', 'TICKET_NOT_FOUND', 'ADMIN_ONLY', 'STAFF_ONLY', 'QUEUE_FORBIDDEN']);

function helpdeskMessage(ctx: BotContext, error: HelpdeskError): string {
  const field = error.fields[0];
  if (error.code === 'VALIDATION_FAILED' && field && /at most/.test(field.message)) {
    return ctx.t('tg.error.too_long', { limit: field.message.replace(/\D+/g, '') });
  }
  if (error.code === 'INVALID_TRANSITION') {
    const reopen = needsReopen(error.params);
    return ctx.t(reopen ? 'tg.error.invalid_transition_reopen' : 'tg.error.invalid_transition', { number: error.params.number ?? '', status: ctx.t(`status.${String(error.params.from)}`) });
  }
  if (error.code === 'FILE_TOO_LARGE') {
    return ctx.t('tg.error.file_too_large', { name: String(error.params.name ?? ''), limit: formatBytes(Number(error.params.limit), ctx.locale) });
  }
  return ctx.t(`error.${error.code}`, error.params);
}

/** What to tell the user about a failure that is not worth a log line of its own (a refused file). */
export function userMessage(ctx: BotContext, error: unknown): string {
  return isHelpdeskError(error) ? helpdeskMessage(ctx, error) : ctx.t('error.INTERNAL');
}

/**
 * Turns every failure of a handler into an answer the user understands (an alert for a
 * button, a message otherwise) and a log line. Handlers stay thin: they call the service
 * and let its typed errors come here.
 */
export function errorBoundary(logger: Logger, redact: Redact, isDeactivated: (userId: string) => Promise<boolean> = async () => false): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      const who = { from: ctx.from?.id, chat: ctx.chat?.id, data: ctx.callbackQuery?.data, update: ctx.update.update_id };
      let text: string;
      if (isHelpdeskError(error)) {
        text = helpdeskMessage(ctx, error);
        const level = suspicious.has(error.code) && ctx.callbackQuery ? 'warn' : 'info';
        logger[level]({ ...who, code: error.code, params: error.params }, 'telegram action refused');
      } else if (error instanceof InvalidButtonError) {
        text = ctx.t('tg.error.invalid_button');
        logger.warn(who, 'telegram callback with invalid or forged data refused');
      } else if (error instanceof NotLinkedError) {
        // Someone who left is told so, not invited to /start again.
        const left = ctx.from ? await isDeactivated(String(ctx.from.id)).catch(() => false) : false;
        text = ctx.t(left ? 'error.ACCOUNT_DEACTIVATED' : 'tg.error.not_linked');
        logger[ctx.callbackQuery ? 'warn' : 'info'](who, 'telegram action by an unlinked account refused');
      } else if (error instanceof StaleButtonError) {
        text = ctx.t('tg.error.stale_button');
      } else {
        text = ctx.t('error.INTERNAL');
        logger.error({ ...who, err: describeError(error, redact) }, 'telegram update failed');
      }
      await answer(ctx, text).catch((failure: unknown) =>
        logger.warn({ ...who, err: describeError(failure, redact) }, 'telegram error answer failed'),
      );
    }
  };
}

async function answer(ctx: BotContext, text: string): Promise<void> {
  if (ctx.callbackQuery) {
    await ctx.answerCallbackQuery({ text: truncate(text, ALERT_LIMIT), show_alert: true });
  } else if (ctx.chat) {
    await ctx.reply(text, { ...(ctx.msg ? { reply_parameters: { message_id: ctx.msg.message_id, allow_sending_without_reply: true } } : {}) });
  }
}
