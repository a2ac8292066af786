import { Composer } from 'grammy';
import { moveChat } from '../../../src/notify/bind-chat.js';
import type { BotContext } from '../context.js';
import type { BotServices } from '../services.js';

/**
 * A group upgraded to a supergroup gets a new id; Telegram says so with a service message in
 * both chats. Bindings and cards follow at once, before a delivery fails on the old id.
 */
export function chatMigrationFeature(services: BotServices): Composer<BotContext> {
  const composer = new Composer<BotContext>();

  composer.on('message:migrate_to_chat_id', async (ctx) => {
    const to = String(ctx.message.migrate_to_chat_id);
    services.logger.info({ from: ctx.chat.id, to }, 'telegram group became a supergroup');
    await moveChat(services.models, 'telegram', String(ctx.chat.id), to);
  });

  composer.on('message:migrate_from_chat_id', async (ctx) => {
    await moveChat(services.models, 'telegram', String(ctx.message.migrate_from_chat_id), String(ctx.chat.id));
  });

  composer.on('my_chat_member', async (ctx) => {
    const status = ctx.myChatMember.new_chat_member.status;
    services.logger.info({ chat: ctx.chat.id, status }, 'bot membership changed');
    // Added to a group: tell the admin how to bind it (failing here changes nothing).
    const wasOut = ['left', 'kicked'].includes(ctx.myChatMember.old_chat_member.status);
    if ((status === 'member' || status === 'administrator') && ctx.chat.type !== 'private' && wasOut) {
      await services.optional('greeting a new group', ctx.reply(ctx.t('tg.bind.hint')));
    }
  });

  return composer;
}
