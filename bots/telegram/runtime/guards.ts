import type { Actor } from '../../../src/people/actor.js';
import type { BotContext } from '../context.js';
import { NotLinkedError } from './bot-errors.js';

/** The acting person, or a NotLinkedError the error boundary turns into "send /start". */
export function requireActor(ctx: BotContext): Actor {
  if (!ctx.actor) throw new NotLinkedError();
  return ctx.actor;
}

export function isPrivate(ctx: BotContext): boolean {
  return ctx.chat?.type === 'private';
}

export function isGroup(ctx: BotContext): boolean {
  return ctx.chat?.type === 'group' || ctx.chat?.type === 'supergroup';
}

/** Replies in the same chat, quoting the message that asked (when there is one). */
export function replyParameters(ctx: BotContext): { reply_parameters?: { message_id: number; allow_sending_without_reply: true } } {
  return ctx.msg && !ctx.callbackQuery ? { reply_parameters: { message_id: ctx.msg.message_id, allow_sending_without_reply: true } } : {};
}
