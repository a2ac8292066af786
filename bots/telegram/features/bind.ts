import { Composer } from 'grammy';
import { pickLocalized } from '../../../src/db/models/localized.js';
import { bindChat } from '../../../src/notify/bind-chat.js';
import type { BotContext } from '../context.js';
import { replyParameters, requireActor } from '../runtime/guards.js';
import type { BotServices } from '../services.js';

/**
 * /bind <department> in a group: from now on the department's new tickets get a card here.
 * Helpdesk admins only (checked by the core on the sender's person, not on Telegram roles).
 */
export function bindFeature(services: BotServices): Composer<BotContext> {
  const { models } = services;
  const composer = new Composer<BotContext>();

  composer.command('bind', async (ctx) => {
    if (ctx.chat.type !== 'group' && ctx.chat.type !== 'supergroup') {
      await ctx.reply(ctx.t('tg.bind.group_only'));
      return;
    }
    const actor = requireActor(ctx);
    const key = ctx.match.trim().toLowerCase();
    if (!key) {
      const departments = await models.Department.find({ active: true }).sort({ key: 1 }).lean();
      const list = departments.map((d) => `${d.key} — ${pickLocalized(d.name, ctx.locale)}`).join('\n');
      await ctx.reply(`${ctx.t('tg.bind.usage')}\n${list}`, replyParameters(ctx));
      return;
    }
    await bindChat(models, actor, { platform: 'telegram', chatId: String(ctx.chat.id), department: key });
    const department = await models.Department.findOne({ key }).lean();
    await ctx.reply(ctx.t('tg.bind.done', { department: pickLocalized(department?.name, ctx.locale) || key }), replyParameters(ctx));
  });

  return composer;
}
