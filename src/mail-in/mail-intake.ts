import type { FileStore } from '../db/files.js';
import type { Models } from '../db/models/index.js';
import type { I18n } from '../i18n/translate.js';
import type { Logger } from '../logger.js';
import type { Mailer } from '../notify/email/mailer.js';
import type { TicketService } from '../tickets/ticket-service.js';
import type { MailIntakeDeps } from './process-mail.js';
import { senderAnswers } from './sender-answers.js';

/** What mail intake needs, from the running helpdesk (or the `mail poll` command). */
export function mailIntakeDeps(options: {
  models: Models;
  tickets: TicketService;
  files: FileStore;
  logger: Logger;
  clock: () => Date;
  i18n: I18n;
  locale: string;
  registrationOpen: boolean;
  /** SMTP, when configured: refused senders are answered. */
  mail: { mailer: Pick<Mailer, 'send'>; fromAddress: string } | null;
}): MailIntakeDeps {
  const translate = (key: string, params?: Record<string, string | number>) => options.i18n.translate(options.locale, key, params);
  return {
    models: options.models,
    tickets: options.tickets,
    files: options.files,
    logger: options.logger,
    clock: options.clock,
    registrationOpen: options.registrationOpen,
    translate,
    answer: options.mail ? senderAnswers({ models: options.models, mailer: options.mail.mailer, fromAddress: options.mail.fromAddress, translate, clock: options.clock }) : null,
  };
}
