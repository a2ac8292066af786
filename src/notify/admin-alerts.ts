import { trusted } from '../db/connection.js';
import { kvScope } from '../db/kv-scope.js';
import type { Models } from '../db/models/index.js';
import type { I18n } from '../i18n/translate.js';
import type { Logger } from '../logger.js';
import type { ChannelRegistry, ChatPlatform } from './channel.js';
import { automaticMailHeaders, senderDomain } from './email/email-threading.js';
import { escapeHtml } from './email/html.js';
import type { Mailer } from './email/mailer.js';

export interface AdminAlertDeps {
  models: Models;
  channels: ChannelRegistry;
  /** E-mail, when SMTP is configured. */
  mail: { mailer: Pick<Mailer, 'send'>; fromAddress: string } | null;
  i18n: I18n;
  logger: Logger;
  clock: () => Date;
  locale: string;
}

/** What admins are told: a title and a text, both catalog keys, with their values. */
export interface AdminAlert {
  /** Alerts of the same key are sent at most once a day. */
  key: string;
  subjectKey: string;
  textKey: string;
  params: Record<string, string | number>;
}

/**
 * Tells every active admin about something only they can fix (a directory sync stopped by its
 * guard), by e-mail and by a personal message on each chat platform they use, in their
 * language; at most once a day per alert key. A platform or mail server that is down costs
 * only its own message: the rest still go out, and the caller is never failed by it.
 */
export function createAdminAlerts(deps: AdminAlertDeps) {
  const { models, logger } = deps;
  const told = kvScope<{ at: string }>(models, 'admin-alert');

  return async function alertAdmins(alert: AdminAlert): Promise<number> {
    const now = deps.clock();
    if (!(await told.insertNew(`${alert.key}:${now.toISOString().slice(0, 10)}`, { at: now.toISOString() }))) return 0;
    const admins = await models.Person.find({ role: 'admin', active: true }).select({ _id: 1, email: 1, locale: 1 }).lean();
    const identities = await models.Identity.find({ personId: trusted({ $in: admins.map((admin) => admin._id) }) }).lean();
    let sent = 0;
    for (const admin of admins) {
      const locale = admin.locale ?? deps.locale;
      const subject = deps.i18n.translate(locale, alert.subjectKey, alert.params);
      const text = deps.i18n.translate(locale, alert.textKey, alert.params);
      const sends: Promise<void>[] = [];
      if (deps.mail && admin.email) {
        const message = {
          to: admin.email,
          subject,
          text,
          html: `<p>${escapeHtml(text).replace(/\n/g, '<br>')}</p>`,
          messageId: `<alert.${alert.key}.${now.getTime()}.${String(admin._id)}@${senderDomain(deps.mail.fromAddress)}>`,
          inReplyTo: null,
          references: [],
          headers: { ...automaticMailHeaders },
        };
        sends.push(deps.mail.mailer.send(message).then(() => undefined));
      }
      for (const identity of identities.filter((candidate) => candidate.personId.equals(admin._id))) {
        const channel = deps.channels.get(identity.platform as ChatPlatform);
        if (channel?.sendDirectText) sends.push(channel.sendDirectText(identity.externalId, `${subject}\n\n${text}`));
      }
      const results = await Promise.allSettled(sends);
      for (const result of results) {
        if (result.status === 'fulfilled') sent += 1;
        else logger.warn({ err: result.reason instanceof Error ? result.reason.message : String(result.reason), alert: alert.key }, 'admin alert: one message could not be sent');
      }
    }
    return sent;
  };
}

export type AlertAdmins = ReturnType<typeof createAdminAlerts>;
