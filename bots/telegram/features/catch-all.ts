import { Composer } from 'grammy';
import type { BotContext } from '../context.js';
import { InvalidButtonError } from '../runtime/bot-errors.js';
import { requireActor } from '../runtime/guards.js';
import type { BotServices } from '../services.js';
import { keyboardOf } from '../ui/keyboard.js';
import { MAX_DRAFT_FILES } from './new-ticket/draft.js';
import { dialogAction } from './new-ticket/steps.js';
import { helpText } from './help.js';

/**
 * Mounted last: whatever no feature took. A plain message in a private chat is offered as a
 * new ticket with one tap; an unknown command gets the help; a button no feature knows is
 * refused like a forged one. Group chatter is left alone.
 */
export function catchAllFeature(services: BotServices): Composer<BotContext> {
  const composer = new Composer<BotContext>();

  composer.on('callback_query', (ctx) => {
    throw new InvalidButtonError(ctx.callbackQuery.data ?? '');
  });

  const privateChat = composer.chatType('private');

  privateChat.on('message').filter(
    (ctx) => ctx.message.text?.startsWith('/') ?? false,
    (ctx) => ctx.reply(helpText(ctx)),
  );

  privateChat.on('message', async (ctx) => {
    const text = (ctx.message.text ?? ctx.message.caption ?? '').trim();
    const ref = services.downloader.refOf(ctx.message);
    if (!text && !ref) return;
    requireActor(ctx);
    const album = ctx.message.media_group_id;
    const offer = ctx.session.offer;
    if (album && offer?.mediaGroup === album) {
      // The next photo of an album already offered (one message each, the caption on one of them).
      if (ref && offer.files.length < MAX_DRAFT_FILES) offer.files.push(ref);
      offer.text ||= text;
      return;
    }
    ctx.session.offer = { text, files: ref ? [ref] : [], ...(album ? { mediaGroup: album } : {}) };
    const yes = { text: ctx.t('button.open_ticket'), data: services.codec.encode(ctx.chat.id, dialogAction.offerYes) };
    const no = { text: ctx.t('button.no'), data: services.codec.encode(ctx.chat.id, dialogAction.offerNo) };
    await ctx.reply(ctx.t('tg.offer.question'), {
      reply_parameters: { message_id: ctx.message.message_id, allow_sending_without_reply: true },
      reply_markup: keyboardOf([[yes, no]]),
    });
  });

  return composer;
}
