import type { JournalEvent } from '../../db/models/journal-event.js';
import type { Ticket } from '../../db/models/ticket.js';
import type { Translate } from '../../i18n/translate.js';
import type { MailAudience } from './email-threading.js';

/** One rating link of a "resolved" mail: pressing it opens the rating page with this score chosen. */
export interface RatingLink {
  score: number;
  url: string;
}

/** Everything a mail about a ticket event is rendered from. */
export interface TicketEmailInput {
  /** The ticket as it is now. */
  ticket: Ticket;
  event: JournalEvent;
  /** Why the recipient hears of it; `department` is the department's shared mailbox. */
  audience: MailAudience;
  /** The recipient's language. */
  locale: string;
  translate: Translate;
  /** The ticket's department in the recipient's language. */
  departmentName: string;
  /** The sender (SMTP_FROM): its domain names the message ids. */
  fromAddress: string;
  /** Present when PUBLIC_URL is set: the five links of a "resolved" mail. Without them the mail says how to rate in chat. */
  ratingLinks?: RatingLink[];
  /** Time zone of due dates in SLA alerts (the org's); UTC when absent. */
  timeZone?: string;
}
