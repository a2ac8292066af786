import { Composer, Keyboard } from 'grammy';
import { findPersonByPhone, isDeactivatedAccount, linkIdentity, registerPerson, setPersonLocale } from '../../../src/people/directory.js';
import type { PersonDoc } from '../../../src/db/models/person.js';
import type { BotContext, RegistrationDialog } from '../context.js';
import { adoptPerson } from '../runtime/identify.js';
import type { BotServices } from '../services.js';
import { helpText } from './help.js';

const FIELD_MAX = 100;

/**
 * /start: greets in the user's language and links the Telegram account to a person of the
 * directory by a shared contact (their own: Telegram vouches for the number). When the
 * number is unknown and the org allows it, asks name, company and unit once.
 */
export function startFeature(services: BotServices): Composer<BotContext> {
  const { models, org } = services;
  const composer = new Composer<BotContext>();
  const privateChat = composer.chatType('private');

  const askContact = (ctx: BotContext) =>
    ctx.reply(ctx.t('tg.start.share_contact'), {
      reply_markup: new Keyboard().requestContact(ctx.t('button.share_contact')).resized().oneTime(),
    });

  /** The account is now a person's: found in the directory by the number (linked), or new (registered). */
  const linked = async (ctx: BotContext, person: PersonDoc, how: 'linked' | 'registered' = 'linked') => {
    ctx.session.dialog = undefined;
    adoptPerson(ctx, person, services.i18n);
    await ctx.reply(`${ctx.t(`tg.start.${how}`, { name: person.name })}\n\n${helpText(ctx)}`, { reply_markup: { remove_keyboard: true } });
  };

  composer.command('start', async (ctx) => {
    if (ctx.chat.type !== 'private') {
      await ctx.reply(helpText(ctx));
      return;
    }
    if (ctx.person) {
      await ctx.reply(`${ctx.t('tg.start.welcome_back', { name: ctx.person.name })}\n\n${helpText(ctx)}`);
      return;
    }
    // Removed from the directory: say so, rather than ask for a contact and register them anew.
    if (ctx.from && (await isDeactivatedAccount(models, 'telegram', String(ctx.from.id)))) {
      await ctx.reply(ctx.t('error.ACCOUNT_DEACTIVATED'));
      return;
    }
    ctx.session.dialog = { kind: 'register', step: 'contact' };
    await ctx.reply(ctx.t('tg.start.greeting', { name: ctx.from?.first_name ?? '' }));
    await askContact(ctx);
  });

  privateChat.on('message:contact', async (ctx) => {
    if (ctx.person) {
      await ctx.reply(ctx.t('tg.start.already_linked', { name: ctx.person.name }), { reply_markup: { remove_keyboard: true } });
      return;
    }
    // Anyone can forward someone else's contact card; only the sender's own counts.
    if (ctx.message.contact.user_id !== ctx.from.id) {
      await ctx.reply(ctx.t('tg.start.not_own_contact'));
      return;
    }
    const phone = ctx.message.contact.phone_number;
    const person = await findPersonByPhone(models, phone);
    if (person) {
      await linkIdentity(models, 'telegram', String(ctx.from.id), person._id);
      if (ctx.session.locale && !person.locale) {
        await setPersonLocale(models, person._id, ctx.session.locale);
        person.locale = ctx.session.locale;
      }
      await linked(ctx, person);
      return;
    }
    if (!org.registrationOpen) {
      ctx.session.dialog = undefined;
      await ctx.reply(ctx.t('tg.start.unknown_phone'), { reply_markup: { remove_keyboard: true } });
      return;
    }
    ctx.session.dialog = { kind: 'register', step: 'name', phone };
    await ctx.reply(ctx.t('tg.register.ask_name'), { reply_markup: { remove_keyboard: true } });
  });

  privateChat
    .on('message:text')
    .filter((ctx) => ctx.session.dialog?.kind === 'register' && !ctx.message.text.startsWith('/'), async (ctx) => {
      const dialog = ctx.session.dialog as RegistrationDialog;
      const answer = ctx.message.text.trim().slice(0, FIELD_MAX);
      switch (dialog.step) {
        case 'contact':
          await askContact(ctx);
          return;
        case 'name':
          if (!answer) {
            await ctx.reply(ctx.t('tg.register.ask_name'));
            return;
          }
          ctx.session.dialog = { ...dialog, step: 'company', name: answer };
          await ctx.reply(ctx.t('tg.register.ask_company'));
          return;
        case 'company':
          ctx.session.dialog = { ...dialog, step: 'unit', company: answer === '-' ? '' : answer };
          await ctx.reply(ctx.t('tg.register.ask_unit'));
          return;
        case 'unit': {
          const person = await registerPerson(models, 'telegram', String(ctx.from.id), {
            name: dialog.name ?? ctx.from.first_name,
            company: dialog.company || null,
            unit: answer === '-' ? null : answer,
            phone: dialog.phone ?? null,
            locale: ctx.session.locale ?? null,
          });
          await linked(ctx, person, 'registered');
          return;
        }
      }
    });

  return composer;
}
