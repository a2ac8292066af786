import type { Api } from 'grammy';
import type { FileStore } from '../../src/db/files.js';
import type { Models } from '../../src/db/models/index.js';
import type { I18n } from '../../src/i18n/translate.js';
import type { Logger } from '../../src/logger.js';
import type { TicketService } from '../../src/tickets/ticket-service.js';
import type { CardRenderer } from './card-renderer.js';
import type { OrgSettings } from './deps.js';
import type { Downloader } from './runtime/attachments.js';
import type { Optional } from './runtime/non-essential.js';
import type { Redact } from './runtime/redact.js';
import type { MessageLinks } from './store/message-links.js';
import type { CallbackCodec } from './ui/callback-data.js';

/** What the feature composers share, built once per bot in index.ts. */
export interface BotServices {
  api: Api;
  models: Models;
  tickets: TicketService;
  files: FileStore;
  i18n: I18n;
  logger: Logger;
  org: OrgSettings & { timezone: string };
  codec: CallbackCodec;
  links: MessageLinks;
  cards: CardRenderer;
  downloader: Downloader;
  redact: Redact;
  /** Runs a call whose failure is only logged. */
  optional: Optional;
}
