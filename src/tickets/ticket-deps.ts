import type { Clock } from '../clock.js';
import type { Models } from '../db/models/index.js';
import type { JournalEvent } from '../db/models/journal-event.js';
import type { Ticket } from '../db/models/ticket.js';
import type { Logger } from '../logger.js';
import type { RecentTickets } from './recent-tickets.js';

/** Called after every journaled change; the notification outbox subscribes here. */
export type TicketEventListener = (event: JournalEvent, ticket: Ticket) => void | Promise<void>;

/** What every ticket use case needs; built once by `createTicketService`. */
export interface TicketDeps {
  models: Models;
  clock: Clock;
  logger: Logger;
  /** The org's time zone, for hour-of-week metrics. */
  timezone: string;
  listeners: Set<TicketEventListener>;
  /** Tickets as this process's last changes left them (a first guess for the next change). */
  recent: RecentTickets;
}

/** The channel a change came from, recorded in the journal. */
export type Via = 'telegram' | 'slack' | 'email' | 'api' | 'schedule' | 'system';
