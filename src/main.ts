import { fileURLToPath } from 'node:url';
import { systemClock, type Clock } from './clock.js';
import type { Env } from './config/env.js';
import { loadOrgConfig } from './config/load-org-config.js';
import { syncOrgConfig } from './config/sync-org-config.js';
import { connectDatabase } from './db/connection.js';
import { openDatabaseServer } from './db/database-server.js';
import { createFileStore } from './db/files.js';
import { buildHttpApp } from './http/build-app.js';
import { defaultLocalesDir } from './i18n/locales-dir.js';
import { loadI18n } from './i18n/translate.js';
import type { Logger } from './logger.js';
import { ChannelRegistry } from './notify/channel.js';
import { createNotifier } from './notify/notifier.js';
import { createShutdown } from './shutdown.js';
import { repairJournal } from './tickets/journal.js';
import { createTicketService } from './tickets/ticket-service.js';

/** The example org config, used when HELPDESK_CONFIG is not set so a first start just works. */
export const exampleConfigPath = fileURLToPath(
  new URL(import.meta.url.includes('/dist/') ? '../../examples/helpdesk.yaml' : '../examples/helpdesk.yaml', import.meta.url),
);

const JOURNAL_REPAIR_WINDOW_MS = 7 * 24 * 3600 * 1000;

/**
 * The composition root: config -> database -> services -> http -> channels. Owns shutdown:
 * stop intake (HTTP, bots), let deliveries finish, close the database, stop an embedded server.
 */
export async function startHelpdesk(env: Env, logger: Logger, clock: Clock = systemClock) {
  const shutdown = createShutdown(logger);
  const configPath = env.helpdeskConfig ?? exampleConfigPath;
  if (!env.helpdeskConfig) logger.info({ config: configPath }, 'HELPDESK_CONFIG is not set: using the example org config');
  const org = await loadOrgConfig(configPath);

  const server = await openDatabaseServer({ mongodbUri: env.mongodbUri, dataDir: env.dataDir, logger });
  shutdown.add('database server', () => server.stop());
  const db = await connectDatabase(server.uri, logger);
  shutdown.add('database connection', () => db.close());

  const summary = await syncOrgConfig(db.models, org, { logger });
  logger.info({ summary }, 'org config synced');
  const repaired = await repairJournal(db.models, new Date(clock().getTime() - JOURNAL_REPAIR_WINDOW_MS));
  if (repaired > 0) logger.warn({ repaired }, 'tickets rolled forward from the journal after an unclean stop');

  const i18n = loadI18n(defaultLocalesDir(), org.locale);
  const files = createFileStore(db.connection, env.maxAttachmentBytes);
  const tickets = createTicketService({ models: db.models, clock, logger, timezone: org.timezone });
  const channels = new ChannelRegistry();
  const notifier = createNotifier({ models: db.models, channels, logger, locale: org.locale });
  tickets.subscribe((event, ticket) => {
    void notifier.notify(event, ticket);
  });
  shutdown.add('notifications', () => notifier.drain());

  const app = await buildHttpApp({ db, tickets, files, i18n, logger, clock });
  await app.listen({ port: env.port, host: env.host });
  shutdown.add('http server', () => app.close());

  logger.info(
    { telegram: env.telegram ? 'configured' : 'skipped: TELEGRAM_BOT_TOKEN is not set', slack: env.slack ? 'configured' : 'skipped: SLACK_BOT_TOKEN is not set' },
    'chat channels',
  );
  logger.info({ port: env.port }, 'helpdesk started');
  return { app, db, tickets, shutdown };
}
