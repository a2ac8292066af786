import type { BotContext } from '../context.js';
import type { BotServices } from '../services.js';
import { replyParameters } from './guards.js';

/** Telegram's reactions are a fixed set; ✅ is not in it. */
export const DONE_REACTION = '👍';

/**
 * Confirms that a message was taken (a comment, an answer to a prompt) with a reaction on
 * it: no message, so nothing of the chat's budget (a group's 20 a minute) is spent and no
 * chat fills with receipts, as Slack's ✅ does. Where a reaction is refused (reactions
 * switched off in the group), the text confirmation is sent instead.
 */
export async function confirmTaken(ctx: BotContext, services: Pick<BotServices, 'links' | 'optional'>, text: string, ticket: number): Promise<void> {
  try {
    await ctx.react(DONE_REACTION);
    return;
  } catch {
    // Reactions not allowed here: say it in words.
  }
  const sent = await ctx.reply(text, replyParameters(ctx));
  if (ctx.chat?.type === 'private') await services.links.remember(ctx.chat.id, sent.message_id, { kind: 'ticket', ticket });
}
