import type { MiddlewareFn } from 'grammy';
import type { Models } from '../../../src/db/models/index.js';
import type { PersonDoc } from '../../../src/db/models/person.js';
import type { I18n } from '../../../src/i18n/translate.js';
import { actorFromPerson } from '../../../src/people/actor.js';
import { findPersonByIdentity } from '../../../src/people/directory.js';
import type { BotContext } from '../context.js';
import type { UserLanguages } from '../store/user-languages.js';
import { fillHtml } from '../ui/html.js';

/**
 * Who is talking and in which language. The person comes from the sender's Telegram id,
 * never from anything the message says. Language: the person's choice (/lang or the org
 * config), else a /lang choice made before linking, else Telegram's language_code.
 */
export function identify(deps: { models: Models; i18n: I18n; languages: UserLanguages }): MiddlewareFn<BotContext> {
  const { models, i18n, languages } = deps;
  return async (ctx, next) => {
    const from = ctx.from;
    const person = from && !from.is_bot ? await findPersonByIdentity(models, 'telegram', String(from.id)) : null;
    adoptPerson(ctx, person, i18n);
    // A ticket half-written by someone who has since left (deactivated by the directory or the
    // config) ends with their access: it never resumes if they come back.
    if (!person && ctx.chat?.type === 'private' && (ctx.session.dialog?.kind === 'new' || ctx.session.offer)) {
      ctx.session.dialog = undefined;
      ctx.session.offer = undefined;
    }
    ctx.t = (key, params) => i18n.translate(ctx.locale, key, params);
    ctx.html = (key, params) => fillHtml(i18n.translate(ctx.locale, key), params);
    if (from && !from.is_bot) await languages.seen(from.id, from.language_code);
    await next();
  };
}

/** Sets who is talking (also right after the account is linked, mid-update). */
export function adoptPerson(ctx: BotContext, person: PersonDoc | null, i18n: I18n): void {
  ctx.person = person;
  ctx.actor = person ? actorFromPerson(person) : null;
  const chosen = ctx.chat?.type === 'private' ? ctx.session.locale : undefined;
  ctx.locale = i18n.resolveLocale(person?.locale ?? chosen ?? ctx.from?.language_code);
}
