import { fileURLToPath } from 'node:url';
import type { SlackLimits } from '../bots/slack/deps.js';
import type { SlackBot } from '../bots/slack/index.js';
import type { TelegramLimits } from '../bots/telegram/deps.js';
import type { TelegramBot } from '../bots/telegram/index.js';
import { systemClock, type Clock } from './clock.js';
import type { Env } from './config/env.js';
import { loadOrgConfig } from './config/load-org-config.js';
import { syncOrgConfig } from './config/sync-org-config.js';
import { syncSchedules } from './tickets/recurring/sync-schedules.js';
import { connectDatabaseWaiting } from './db/connection.js';
import { openDatabaseServer } from './db/database-server.js';
import { createFileStore } from './db/files.js';
import { buildHttpApp } from './http/build-app.js';
import { defaultLocalesDir } from './i18n/locales-dir.js';
import { loadI18n } from './i18n/translate.js';
import type { Logger } from './logger.js';
import { createBackgroundJobs } from './jobs/background-jobs.js';
import { ChannelRegistry } from './notify/channel.js';
import { createEventDelivery, type EmailOutlet } from './notify/deliver-event.js';
import { createEmailOutlet } from './notify/email/email-outlet.js';
import type { ReportMail } from './reports/scheduled/send-scheduled-reports.js';
import { removeStaleReportDirectories } from './reports/report-files.js';
import { createReportService } from './reports/report-service.js';
import { createShutdown, type Shutdown } from './shutdown.js';
import { startHeapSettler } from './heap-settler.js';
import { startChat } from './start-chat.js';
import { offboardDeactivated } from './people/offboard.js';
import { systemActor } from './people/system-actor.js';
import { createAdminAlerts } from './notify/admin-alerts.js';
import { createDirectorySyncService } from './directory/directory-sync-service.js';
import { mailboxesOf, replyAddressesOf } from './mail-in/mailboxes.js';
import { repairJournal } from './tickets/journal.js';
import { createTicketService } from './tickets/ticket-service.js';

/** The example org config, used when HELPDESK_CONFIG is not set so a first start just works. */
export const exampleConfigPath = fileURLToPath(
  new URL(import.meta.url.includes('/dist/') ? '../../examples/helpdesk.yaml' : '../examples/helpdesk.yaml', import.meta.url),
);

const JOURNAL_REPAIR_WINDOW_MS = 7 * 24 * 3600 * 1000;

/**
 * The composition root: config -> database -> services -> jobs -> http -> bots. Owns
 * shutdown, which undoes the start in reverse: stop intake (bots, HTTP), let running jobs
 * finish, close the database, stop an embedded server.
 */
export async function startHelpdesk(env: Env, logger: Logger, clock: Clock = systemClock, tuning: Tuning = {}) {
  const shutdown = createShutdown(logger);
  try {
    return await startParts(env, logger, clock, shutdown, tuning);
  } catch (error) {
    // Undo what did start (an embedded database server above all) before the process exits.
    await shutdown.shutdown('start failed');
    throw error;
  }
}

/**
 * Settings no deployment sets, for benchmarks and tests of the whole app: a local Bot API or
 * Web API fake has none of the platforms' rate limits.
 */
export interface Tuning {
  telegramLimits?: Partial<TelegramLimits>;
  slackLimits?: Partial<SlackLimits>;
}

async function startParts(env: Env, logger: Logger, clock: Clock, shutdown: Shutdown, tuning: Tuning) {
  const configPath = env.helpdeskConfig ?? exampleConfigPath;
  if (!env.helpdeskConfig) logger.info({ config: configPath }, 'HELPDESK_CONFIG is not set: using the example org config');
  const org = await loadOrgConfig(configPath);

  const server = await openDatabaseServer({ mongodbUri: env.mongodbUri, dataDir: env.dataDir, logger });
  shutdown.add('database server', () => server.stop());
  const db = await connectDatabaseWaiting(server.uri, logger, env.databaseWaitMs);
  shutdown.add('database connection', () => db.close());

  const summary = await syncOrgConfig(db.models, org, { logger });
  // After the departments: a schedule runs in its department's time zone by default.
  const schedules = await syncSchedules(db.models, org.schedules, { clock, timezone: org.timezone, logger });
  logger.info({ summary, schedules }, 'org config synced');
  const repaired = await repairJournal(db.models, new Date(clock().getTime() - JOURNAL_REPAIR_WINDOW_MS));
  if (repaired > 0) logger.warn({ repaired }, 'tickets rolled forward from the journal after an unclean stop');

  const i18n = loadI18n(defaultLocalesDir(), org.locale);
  const files = createFileStore(db.connection, env.maxAttachmentBytes);
  const tickets = createTicketService({ models: db.models, clock, logger, timezone: org.timezone });
  const channels = new ChannelRegistry();
  let email: EmailOutlet | null = null;
  let reportMail: ReportMail | null = null;
  if (env.smtp) {
    // The mail libraries (nodemailer; mailparser, imapflow and smtp-server below) load only
    // where they are configured: a chat-only helpdesk does not carry them in memory.
    const { createMailer } = await import('./notify/email/mailer.js');
    const mailer = createMailer(env.smtp, logger);
    shutdown.add('mailer', async () => mailer.close());
    // Not awaited: a server that is down must not hold the start; its mails wait in the outbox.
    void mailer.verify().then(
      () => logger.info('e-mail: SMTP server reachable'),
      (error: unknown) => logger.warn({ err: error }, 'e-mail: SMTP server not reachable now; mails wait in the outbox and are retried'),
    );
    email = createEmailOutlet({ models: db.models, mailer, translate: i18n.translate, fromAddress: env.smtp.from, publicUrl: env.publicUrl, timeZone: org.timezone, replyAddresses: replyAddressesOf(org.departments) });
    reportMail = { mailer, fromAddress: env.smtp.from };
  } else {
    logger.info('e-mail: skipped, SMTP_URL is not set');
  }
  const alertAdmins = createAdminAlerts({ models: db.models, channels, mail: reportMail, i18n, logger, clock, locale: org.locale });
  // Always there: without directory.ldap its REST route answers that none is configured (admins only, as the policy says).
  const directory = createDirectorySyncService({ models: db.models, tickets, logger, clock, env: process.env, config: org.directory, alert: alertAdmins });
  const delivery = createEventDelivery({ models: db.models, channels, logger, locale: org.locale, clock, email });
  const jobs = createBackgroundJobs({
    db,
    delivery,
    logger,
    clock,
    tickets,
    channels,
    locale: org.locale,
    reports: { scheduled: org.reports.scheduled, timezone: org.timezone, i18n, mail: reportMail },
    ...(directory.everyMinutes
      ? {
          directory: {
            everyMinutes: directory.everyMinutes,
            sync: async () => {
              const helpdesk = await systemActor(db.models);
              return directory.run({ dryRun: false, actor: { id: helpdesk.id, name: helpdesk.name } });
            },
            alert: directory.alert,
            logger,
          },
        }
      : {}),
  });
  shutdown.add('background jobs', () => jobs.stop());
  // A change returns once its delivery job is stored; one the database refused at that moment
  // is found by the outbox's sweep.
  tickets.subscribe((event, ticket) => jobs.outbox.enqueue(event, ticket));
  // People the sync just deactivated (or an import did earlier) lose their tokens and tickets.
  await offboardDeactivated(db.models, tickets, logger, clock);

  // What both chat platforms need of the org config.
  const chatOrg = { locale: org.locale, registrationOpen: org.registration.open, timezone: org.timezone };
  // Each platform's code (and its libraries' memory) is loaded only when it is configured.
  let telegram: TelegramBot | null = null;
  if (env.telegram) {
    const { createTelegramBot } = await import('../bots/telegram/index.js');
    telegram = createTelegramBot({
      models: db.models,
      tickets,
      files,
      i18n,
      logger,
      clock,
      org: chatOrg,
      telegram: env.telegram,
      ...(tuning.telegramLimits ? { limits: tuning.telegramLimits } : {}),
    });
    channels.register(telegram.channel);
  }

  let slack: SlackBot | null = null;
  if (env.slack) {
    const { createSlackBot } = await import('../bots/slack/index.js');
    slack = createSlackBot({
      models: db.models,
      tickets,
      files,
      i18n,
      logger,
      clock,
      org: chatOrg,
      slack: env.slack,
      ...(tuning.slackLimits ? { limits: tuning.slackLimits } : {}),
    });
    channels.register(slack.channel);
  }

  const extraRoutes = [telegram?.webhookRoute, slack?.route].filter((route) => route !== undefined);
  // Report periods are whole days in the org's time zone.
  const reports = createReportService({ models: db.models, i18n, clock, timezone: org.timezone });
  const staleReports = await removeStaleReportDirectories(clock());
  if (staleReports > 0) logger.info({ directories: staleReports }, 'reports: temporary files of killed builds removed');
  const app = await buildHttpApp({ db, tickets, files, i18n, logger, clock, reports, extraRoutes, trustProxy: env.trustProxy, directory });
  await app.listen({ port: env.port, host: env.host });
  shutdown.add('http server', () => app.close());

  if (telegram) shutdown.add('telegram bot', await startChat('telegram', telegram, logger));
  else logger.info('telegram: skipped, TELEGRAM_BOT_TOKEN is not set');
  if (slack) shutdown.add('slack app', await startChat('slack', slack, logger));
  else logger.info('slack: skipped, SLACK_BOT_TOKEN is not set');
  // Only now: a platform that refuses our credentials has stopped the start, so waiting
  // deliveries are not spent on it; one that is merely down is retried by the jobs.
  await jobs.start();
  // Mail in: each department's mailbox on its own connection and loop (none when no department has one).
  const mailboxes = mailboxesOf(org.departments);
  const intake =
    mailboxes.length > 0 || env.mailInSmtp
      ? (await import('./mail-in/mail-intake.js')).mailIntakeDeps({ models: db.models, tickets, files, logger, clock, i18n, locale: org.locale, registrationOpen: org.registration.open, mail: reportMail })
      : null;
  if (intake && mailboxes.length > 0) {
    const { startMailPoller } = await import('./mail-in/mail-poller.js');
    const poller = startMailPoller({
      deps: intake,
      mailboxes,
      env: process.env,
      logger,
    });
    shutdown.add('mail in', () => poller.stop());
  }
  if (intake && env.mailInSmtp) {
    const { smtpRoutes, startSmtpListener } = await import('./mail-in/smtp-listener.js');
    const routes = smtpRoutes(org.departments, mailboxes);
    const listener = await startSmtpListener({
      deps: intake,
      routes,
      ...env.mailInSmtp,
      logger,
    });
    shutdown.add('mail in (smtp)', () => listener.stop());
  }
  // After the start's burst and each later one, memory goes back once the process is quiet.
  const stopSettler = startHeapSettler(logger);
  shutdown.add('heap settler', async () => stopSettler());
  logger.info({ port: env.port, mailboxes: mailboxes.length }, 'helpdesk started');
  return { app, db, tickets, jobs, telegram, slack, shutdown };
}
