import type { Clock } from '../../src/clock.js';
import type { FileStore } from '../../src/db/files.js';
import type { Models } from '../../src/db/models/index.js';
import type { I18n } from '../../src/i18n/translate.js';
import type { Logger } from '../../src/logger.js';
import type { TicketService } from '../../src/tickets/ticket-service.js';
import type { CardRenderer } from './card-renderer.js';
import type { SlackOrgSettings } from './deps.js';
import type { AdminAlerts } from './runtime/admin-alerts.js';
import type { SlackPeople } from './runtime/people.js';
import type { SlackApi } from './runtime/slack-api.js';
import type { SlackFiles } from './runtime/slack-files.js';
import type { TicketThreads } from './store/threads.js';

/** What the features share, built once per app in index.ts. */
export interface SlackServices {
  api: SlackApi;
  models: Models;
  tickets: TicketService;
  files: FileStore;
  slackFiles: SlackFiles;
  i18n: I18n;
  logger: Logger;
  org: SlackOrgSettings;
  clock: Clock;
  people: SlackPeople;
  threads: TicketThreads;
  cards: CardRenderer;
  alerts: AdminAlerts;
}
