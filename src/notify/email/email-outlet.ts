import type { Models } from '../../db/models/index.js';
import type { JournalEvent } from '../../db/models/journal-event.js';
import type { Ticket } from '../../db/models/ticket.js';
import type { Translate } from '../../i18n/translate.js';
import type { EmailOutlet, EmailRecipient } from '../deliver-event.js';
import type { Mailer } from './mailer.js';
import type { EmailMessage } from './outgoing-email.js';
import { createRatingLinks } from './rating-links.js';
import { renderTicketEmail } from './render-ticket-email.js';

export interface EmailOutletOptions {
  models: Models;
  mailer: Mailer;
  translate: Translate;
  /** SMTP_FROM, whose domain names the message ids. */
  fromAddress: string;
  /** PUBLIC_URL: with it, "resolved" mails carry rating links. */
  publicUrl?: string | undefined;
  /** The org's time zone, for due dates in SLA alerts. */
  timeZone: string;
  /** Departments whose mailbox takes per-ticket reply addresses, and their address: notices say Reply-To `it+1042@...`. */
  replyAddresses?: Map<string, string>;
}

/** `it@corp.example` and ticket 1042: `it+1042@corp.example`. */
export function ticketReplyAddress(base: string, number: number): string {
  const at = base.lastIndexOf('@');
  return `${base.slice(0, at)}+${number}${base.slice(at)}`;
}

/** Mails that invite a rating, when the ticket has none yet. */
function invitesRating(ticket: Ticket, event: JournalEvent): boolean {
  const status = event.type === 'status_changed' ? event.after.status : null;
  return !ticket.rating && (status === 'resolved' || status === 'closed');
}

/** The outbox's e-mail: renders a ticket event for one recipient and sends it through the pooled mailer. */
export function createEmailOutlet(options: EmailOutletOptions): EmailOutlet {
  const links = createRatingLinks(options.models);
  return {
    async compose(ticket: Ticket, event: JournalEvent, to: EmailRecipient, departmentName: string): Promise<EmailMessage | null> {
      const ratingLinks =
        options.publicUrl && to.audience === 'requester' && invitesRating(ticket, event) ? await links.linksFor(ticket, options.publicUrl) : undefined;
      const mail = renderTicketEmail({
        ticket,
        event,
        audience: to.audience,
        locale: to.locale,
        translate: options.translate,
        departmentName,
        fromAddress: options.fromAddress,
        timeZone: options.timeZone,
        ...(ratingLinks ? { ratingLinks } : {}),
      });
      if (!mail) return null;
      const replyBase = options.replyAddresses?.get(ticket.department);
      return { ...mail, to: to.address, ...(replyBase ? { headers: { ...mail.headers, 'Reply-To': ticketReplyAddress(replyBase, ticket.number) } } : {}) };
    },
    async send(message: object): Promise<void> {
      await options.mailer.send(message as EmailMessage);
    },
  };
}
