import type { Env } from '../config/env.js';
import { loadOrgConfig } from '../config/load-org-config.js';
import { connectDatabase } from '../db/connection.js';
import { createFileStore } from '../db/files.js';
import { defaultLocalesDir } from '../i18n/locales-dir.js';
import { loadI18n } from '../i18n/translate.js';
import type { Logger } from '../logger.js';
import { drainMailbox, emptySummary, type DrainSummary } from '../mail-in/drain-mailbox.js';
import { describeImapError, openImap } from '../mail-in/imap-session.js';
import { mailIntakeDeps } from '../mail-in/mail-intake.js';
import { mailboxesOf } from '../mail-in/mailboxes.js';
import { createMailer } from '../notify/email/mailer.js';
import { createTicketService } from '../tickets/ticket-service.js';
import type { CliOutput } from './output.js';

const line = (summary: DrainSummary) => `tickets ${summary.tickets}, comments ${summary.comments}, refused ${summary.refused}, ignored ${summary.ignored}, failed ${summary.failed}`;

/**
 * `helpdesk mail poll`: reads every department's mailbox once and prints, per mailbox and last
 * in total, how many mails became tickets, comments, refusals and ignored automatic mail.
 * Exit 1 when a mailbox could not be read (the others are still read), 2 for a missing setting.
 */
export async function runMailPoll(env: Env, logger: Logger, out: CliOutput): Promise<number> {
  if (!env.mongodbUri || !env.helpdeskConfig) {
    out.error('MONGODB_URI and HELPDESK_CONFIG must be set: the mailboxes are in the org config, the tickets go to the database.');
    return 2;
  }
  const org = await loadOrgConfig(env.helpdeskConfig);
  const mailboxes = mailboxesOf(org.departments);
  if (mailboxes.length === 0) {
    out.error('No department of the org config has a mailbox.');
    return 2;
  }
  const db = await connectDatabase(env.mongodbUri);
  const mailer = env.smtp ? createMailer(env.smtp, logger) : null;
  const total = emptySummary();
  let failed = false;
  try {
    const deps = mailIntakeDeps({
      models: db.models,
      tickets: createTicketService({ models: db.models, clock: () => new Date(), logger, timezone: org.timezone }),
      files: createFileStore(db.connection, env.maxAttachmentBytes),
      logger,
      clock: () => new Date(),
      i18n: loadI18n(defaultLocalesDir(), org.locale),
      locale: org.locale,
      registrationOpen: org.registration.open,
      mail: mailer && env.smtp ? { mailer, fromAddress: env.smtp.from } : null,
    });
    for (const mailbox of mailboxes) {
      const password = process.env[mailbox.settings.passwordEnv];
      if (!password) {
        out.error(`${mailbox.key}: ${mailbox.settings.passwordEnv} is not set`);
        failed = true;
        continue;
      }
      try {
        const client = await openImap(mailbox.settings, password);
        try {
          const summary = await drainMailbox(deps, client, mailbox);
          for (const key of Object.keys(total) as (keyof DrainSummary)[]) total[key] += summary[key];
          out.log(`${mailbox.key}: ${line(summary)}`);
        } finally {
          await client.logout().catch(() => client.close());
        }
      } catch (error) {
        out.error(`${mailbox.key}: ${describeImapError(error, mailbox.settings).message}`);
        failed = true;
      }
    }
    out.log(line(total));
    return failed ? 1 : 0;
  } finally {
    mailer?.close();
    await db.close();
  }
}
