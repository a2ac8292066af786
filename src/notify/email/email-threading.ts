import type { Types } from 'mongoose';
import type { NoticeAudience } from '../channel.js';

/** The headers that put every mail of one ticket into one conversation of a mail client. */
export interface ThreadHeaders {
  messageId: string;
  /** The ticket's root message, for every mail but the root itself. */
  inReplyTo: string | null;
  references: string[];
}

interface TicketRef {
  _id: Types.ObjectId;
  number: number;
}

/** Who a mail is for, as part of its id: one event gives one mail per audience. */
export type MailAudience = NoticeAudience | 'department';

const FALLBACK_DOMAIN = 'helpdesk.invalid';

/**
 * The domain of the sender address (`Helpdesk <help@example.com>` -> example.com): message
 * ids must be unique worldwide, and the sender's own domain is the one this helpdesk owns.
 */
export function senderDomain(from: string): string {
  const address = /<([^>]+)>/.exec(from)?.[1] ?? from;
  const domain = address.slice(address.lastIndexOf('@') + 1).trim().toLowerCase();
  return address.includes('@') && /^[a-z0-9.-]+$/.test(domain) ? domain : FALLBACK_DOMAIN;
}

/**
 * The ticket's root message id, the same for its whole life: `<ticket-1042.<object id>@domain>`.
 * The object id keeps it unique even if ticket numbers start over in a new database.
 */
export function rootMessageId(ticket: TicketRef, from: string): string {
  return `<ticket-${ticket.number}.${ticket._id.toHexString()}@${senderDomain(from)}>`;
}

/**
 * Threading of the mail about one event. The opening mail is the root; every later mail has
 * its own id and points at the root. Ids are derived from the event, not random, so a
 * retried delivery sends the same id and the mail client keeps one copy.
 */
export function threadHeaders(ticket: TicketRef, event: { seq: number; type: string }, audience: MailAudience, from: string): ThreadHeaders {
  const root = rootMessageId(ticket, from);
  if (event.type === 'opened') return { messageId: root, inReplyTo: null, references: [] };
  const messageId = `<ticket-${ticket.number}.${ticket._id.toHexString()}.${event.seq}.${audience}@${senderDomain(from)}>`;
  return { messageId, inReplyTo: root, references: [root] };
}

/** Headers that tell mail servers and clients this is an automatic mail: no vacation replies, no loops. */
export const automaticMailHeaders: Readonly<Record<string, string>> = {
  'Auto-Submitted': 'auto-generated',
  'X-Auto-Response-Suppress': 'All',
};

/** The subject of every mail of a ticket, so clients that thread by subject agree: `[#1042] Title`. */
export function ticketSubject(ticket: { number: number; title: string }, maxTitle = 150): string {
  const title = ticket.title.replace(/\s+/g, ' ').trim();
  const short = title.length > maxTitle ? `${title.slice(0, maxTitle - 1)}…` : title;
  return `[#${ticket.number}] ${short}`;
}
