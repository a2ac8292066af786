import { Composer } from 'grammy';
import type { BotContext } from '../context.js';
import { numberField, onButton } from '../runtime/buttons.js';
import { requireActor } from '../runtime/guards.js';
import type { BotServices } from '../services.js';
import { RATE_ACTION } from '../ui/rating-keyboard.js';

/**
 * 1-5 under a "resolved" notice. The score is saved at once; the requester may then add a
 * comment by replying to the thank-you prompt. Replying to the notice itself instead reopens
 * the ticket (that is the replies feature: a comment on a resolved ticket reopens it).
 */
export function ratingFeature(services: BotServices): Composer<BotContext> {
  const { tickets, links } = services;
  const composer = new Composer<BotContext>();

  composer.filter(onButton(RATE_ACTION), async (ctx) => {
    const actor = requireActor(ctx);
    const number = numberField(ctx, 0);
    const score = numberField(ctx, 1);
    await tickets.rate(actor, number, { score }, 'telegram');
    await ctx.answerCallbackQuery({ text: ctx.t('tg.rating.saved', { score }) });
    await services.optional('removing rating buttons', ctx.editMessageReplyMarkup());
    const prompt = await ctx.reply(ctx.t('tg.rating.thanks', { number, stars: '⭐'.repeat(score) }), {
      reply_markup: { force_reply: true, input_field_placeholder: ctx.t('tg.rating.placeholder') },
    });
    await links.remember(prompt.chat.id, prompt.message_id, { kind: 'rating', ticket: number, score });
  });

  return composer;
}
