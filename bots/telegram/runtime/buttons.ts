import type { MiddlewareFn } from 'grammy';
import type { BotContext } from '../context.js';
import type { CallbackCodec } from '../ui/callback-data.js';
import { InvalidButtonError } from './bot-errors.js';

/**
 * Verifies every button press before any feature sees it: the data must carry our signature
 * for this very chat. Features then match on `ctx.button.action` and never parse raw data.
 */
export function decodeButtons(codec: CallbackCodec): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    ctx.button = null;
    const data = ctx.callbackQuery?.data;
    if (data !== undefined) {
      const chatId = ctx.chat?.id;
      const decoded = chatId === undefined ? null : codec.decode(chatId, data);
      if (!decoded) throw new InvalidButtonError(data);
      ctx.button = decoded;
    }
    await next();
  };
}

/** Filter for one button action. */
export function onButton(...actions: string[]): (ctx: BotContext) => boolean {
  return (ctx) => ctx.button !== null && actions.includes(ctx.button.action);
}

/** A field of the pressed button as a positive integer (ticket number, page, score). */
export function numberField(ctx: BotContext, index: number): number {
  const value = Number(ctx.button?.fields[index]);
  if (!Number.isSafeInteger(value) || value < 0) throw new InvalidButtonError(ctx.callbackQuery?.data ?? '');
  return value;
}

export function textField(ctx: BotContext, index: number): string {
  const value = ctx.button?.fields[index];
  if (value === undefined || value === '') throw new InvalidButtonError(ctx.callbackQuery?.data ?? '');
  return value;
}
