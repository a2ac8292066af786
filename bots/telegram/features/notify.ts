import { Composer } from 'grammy';
import { runNotifyCommand } from '../../../src/people/notify-command.js';
import type { BotContext } from '../context.js';
import { replyParameters, requireActor } from '../runtime/guards.js';
import type { BotServices } from '../services.js';

/**
 * `/notify [mute|unmute|default|<channels>]`: a person's own notification preferences, in a
 * private chat (they are nobody else's business in a group). The answer is plain text (no
 * parse mode), so the word a person typed cannot break the markup.
 */
export function notifyFeature(services: BotServices): Composer<BotContext> {
  const composer = new Composer<BotContext>();

  composer.command('notify', async (ctx) => {
    if (ctx.chat.type !== 'private') {
      await ctx.reply(ctx.t('tg.private_only'), replyParameters(ctx));
      return;
    }
    const actor = requireActor(ctx);
    const text = await runNotifyCommand(services.models, actor.id, ctx.match, { t: ctx.t, command: '/notify', chat: 'telegram' });
    await ctx.reply(text);
  });

  return composer;
}
