import { Composer } from 'grammy';
import { setPersonLocale } from '../../../src/people/directory.js';
import type { BotContext } from '../context.js';
import { adoptPerson } from '../runtime/identify.js';
import { onButton, textField } from '../runtime/buttons.js';
import { NotLinkedError } from '../runtime/bot-errors.js';
import type { BotServices } from '../services.js';
import { inRows, keyboardOf } from '../ui/keyboard.js';

const LANG = 'lg';

/**
 * /lang: the language follows Telegram's language_code until the user picks one here. The
 * choice is stored on the person (so notices use it too), or in the chat's session before
 * the account is linked.
 */
export function langFeature(services: BotServices): Composer<BotContext> {
  const { i18n, codec, models } = services;
  const composer = new Composer<BotContext>();

  /** Stores the choice on the person, or in the chat's session before the account is linked. */
  async function choose(ctx: BotContext, locale: string): Promise<void> {
    if (ctx.person) {
      await setPersonLocale(models, ctx.person._id, locale);
      adoptPerson(ctx, { ...ctx.person, locale }, i18n);
    } else if (ctx.chat?.type === 'private') {
      ctx.session.locale = locale;
      adoptPerson(ctx, null, i18n);
    } else {
      throw new NotLinkedError();
    }
  }

  composer.command('lang', async (ctx) => {
    // `/lang ru` chooses at once; `/lang` alone, or an unknown language, shows the choices.
    const asked = ctx.match.trim().toLowerCase();
    if (asked && i18n.locales.includes(asked)) {
      await choose(ctx, asked);
      await ctx.reply(ctx.t('tg.lang.set'));
      return;
    }
    const buttons = [...i18n.locales].sort().map((locale) => ({
      text: `${locale === ctx.locale ? '• ' : ''}${i18n.translate(locale, 'tg.lang.name')}`,
      data: codec.encode(ctx.chat.id, LANG, locale),
    }));
    await ctx.reply(ctx.t('tg.lang.choose'), { reply_markup: keyboardOf(inRows(buttons, 2)) });
  });

  composer.filter(onButton(LANG), async (ctx) => {
    const locale = textField(ctx, 0);
    if (!i18n.locales.includes(locale)) {
      await ctx.answerCallbackQuery();
      return;
    }
    await choose(ctx, locale);
    await ctx.answerCallbackQuery({ text: ctx.t('tg.lang.set') });
    await services.optional('editing the language picker', ctx.editMessageText(ctx.t('tg.lang.set')));
  });

  return composer;
}
