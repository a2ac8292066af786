import type { Clock } from '../../src/clock.js';
import type { TelegramSettings } from '../../src/config/env.js';
import type { FileStore } from '../../src/db/files.js';
import type { Models } from '../../src/db/models/index.js';
import type { I18n } from '../../src/i18n/translate.js';
import type { Logger } from '../../src/logger.js';
import type { TicketService } from '../../src/tickets/ticket-service.js';
import type { DeadlineOptions } from './runtime/deadline.js';

export type { TelegramSettings };

/** Outgoing limits and retry policy; the defaults are Telegram's published limits. */
export interface TelegramLimits {
  /** Messages per second over all chats. */
  globalPerSecond: number;
  /** Messages per minute into one group. */
  groupPerMinute: number;
  /** Messages one private chat may get in a burst (then about one a second); 0: no per-chat pacing. */
  privateBurst: number;
  /** Attempts of one API call on 429, 5xx and network errors. */
  retryAttempts: number;
  /** First backoff delay for 5xx and network errors (429 waits what Telegram asks). */
  retryBaseDelayMs: number;
  /** Least time between two edits of a report's progress message (always in a private chat). */
  reportProgressMs: number;
}

export const defaultLimits: TelegramLimits = {
  globalPerSecond: 30,
  groupPerMinute: 20,
  privateBurst: 3,
  retryAttempts: 8,
  retryBaseDelayMs: 1000,
  reportProgressMs: 1500,
};

export interface OrgSettings {
  /** Language of group chats and the fallback for people. */
  locale: string;
  /** Lets an unknown Telegram user register by giving name, company and unit. */
  registrationOpen: boolean;
  /** Time zone of due times on cards (default UTC). */
  timezone?: string;
}

/** Everything the bot needs, given by the composition root; nothing is read from the environment. */
export interface TelegramBotDeps {
  models: Models;
  tickets: TicketService;
  files: FileStore;
  i18n: I18n;
  logger: Logger;
  org: OrgSettings;
  telegram: TelegramSettings;
  limits?: Partial<TelegramLimits>;
  /** Deadlines of Bot API calls (tests shorten them). */
  deadlines?: Partial<DeadlineOptions>;
  clock?: Clock;
}
