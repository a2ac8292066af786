import { Types } from 'mongoose';
import type { Models } from '../db/models/index.js';
import type { Ticket } from '../db/models/ticket.js';
import type { IncomingMail } from './incoming-mail.js';

/** The helpdesk's own message ids: `<ticket-1042.<ticket id>[.<seq>.<audience>]@domain>`. */
const OWN_ID = /^<ticket-(\d+)\.([0-9a-f]{24})(?:\.(\d+)\.([a-z_]+))?@/;
const SUBJECT_TAG = /\[#(\d{1,9})\]/;

export interface FoundTicket {
  ticket: Pick<Ticket, '_id' | 'number' | 'requesterId' | 'department' | 'status'>;
  /** Who the mail answered was for (`requester`, `assignee`, `department`...), when the helpdesk's own id says. */
  audience: string | null;
  how: 'headers' | 'subject' | 'address';
  /** Sent to the ticket's note address (`it+1042-note@...`). */
  note: boolean;
}

const FIELDS = { _id: 1, number: 1, requesterId: 1, department: 1, status: 1 } as const;

/**
 * The ticket a mail answers: by In-Reply-To and References naming a mail the helpdesk sent
 * (its ids carry the ticket's id, so a number reused in another database never matches), then
 * by a `[#1234]` tag in the subject, then by a per-ticket reply address on the department's
 * address (`it+1234@`, `it+1234-note@`) when the mailbox uses them. Null: the mail is new.
 */
export async function findTicketOfMail(models: Models, mail: IncomingMail, replyAddress: string | null = null): Promise<FoundTicket | null> {
  for (const id of [...mail.inReplyTo, ...[...mail.references].reverse()]) {
    const match = OWN_ID.exec(id);
    if (!match) continue;
    const ticket = await models.Ticket.findOne({ _id: new Types.ObjectId(match[2]), number: Number(match[1]) }).select(FIELDS).lean<FoundTicket['ticket']>();
    if (ticket) return { ticket, audience: match[4] ?? null, how: 'headers', note: false };
  }
  const tagged = SUBJECT_TAG.exec(mail.subject);
  if (tagged) {
    const ticket = await models.Ticket.findOne({ number: Number(tagged[1]) }).select(FIELDS).lean<FoundTicket['ticket']>();
    if (ticket) return { ticket, audience: null, how: 'subject', note: false };
  }
  if (replyAddress) {
    const [local, domain] = replyAddress.toLowerCase().split('@') as [string, string];
    for (const recipient of mail.recipients) {
      const match = new RegExp(`^${escapeRegExp(local)}\\+(\\d{1,9})(-note)?@${escapeRegExp(domain)}$`).exec(recipient);
      if (!match) continue;
      const ticket = await models.Ticket.findOne({ number: Number(match[1]) }).select(FIELDS).lean<FoundTicket['ticket']>();
      if (ticket) return { ticket, audience: null, how: 'address', note: Boolean(match[2]) };
    }
  }
  return null;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
