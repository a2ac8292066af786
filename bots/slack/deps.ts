import type { Clock } from '../../src/clock.js';
import type { SlackSettings } from '../../src/config/env.js';
import type { FileStore } from '../../src/db/files.js';
import type { Models } from '../../src/db/models/index.js';
import type { I18n } from '../../src/i18n/translate.js';
import type { Logger } from '../../src/logger.js';
import type { TicketService } from '../../src/tickets/ticket-service.js';

export type { SlackSettings };

/** Outgoing pace and retry policy; the defaults are Slack's published limits. */
export interface SlackLimits {
  /** Pause between two messages (posts and edits) into one channel: Slack allows about one a second. */
  channelIntervalMs: number;
  /** Calls per minute of the method tiers the app uses (Tier 2, 3 and 4). */
  tierPerMinute: { 2: number; 3: number; 4: number };
  /** Attempts of one call after a 429 (which waits Retry-After), a 5xx or a network error. */
  retries: number;
  /** The deadline of one attempt of a Web API call. */
  callTimeoutMs: number;
  retryMinMs: number;
  retryMaxMs: number;
  /** Slack gives up after 3 s: a request whose handler has not acknowledged by then is answered empty. */
  ackTimeoutMs: number;
  /** Least time between two edits of a report's progress message: chat.update's tier is shared with every card edit. */
  reportProgressIntervalMs: number;
}

export const defaultSlackLimits: SlackLimits = {
  channelIntervalMs: 1000,
  tierPerMinute: { 2: 20, 3: 50, 4: 100 },
  // Few quick attempts: a blip passes within them, an outage is the breaker's and the outbox's
  // to wait out (with backoff, holding nothing), not one call's for minutes.
  retries: 2,
  callTimeoutMs: 10_000,
  retryMinMs: 1000,
  retryMaxMs: 5000,
  ackTimeoutMs: 2500,
  reportProgressIntervalMs: 3000,
};

export interface SlackOrgSettings {
  /** Language of channel cards and the fallback for people. */
  locale: string;
  /** Lets a Slack user unknown to the directory register with the name and e-mail of their profile. */
  registrationOpen: boolean;
  /** Time zone of due times on cards. */
  timezone: string;
}

/** Everything the Slack app needs, given by the composition root; nothing is read from the environment. */
export interface SlackBotDeps {
  models: Models;
  tickets: TicketService;
  files: FileStore;
  i18n: I18n;
  logger: Logger;
  org: SlackOrgSettings;
  slack: SlackSettings;
  limits?: Partial<SlackLimits>;
  clock?: Clock;
}
