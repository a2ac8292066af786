import { emailContent, type Line } from './email-content.js';
import { layoutHtml, layoutText, type MailParts } from './email-layout.js';
import { automaticMailHeaders, threadHeaders, ticketSubject } from './email-threading.js';
import type { OutgoingEmail } from './outgoing-email.js';
import type { TicketEmailInput } from './ticket-email-input.js';

export type { TicketEmailInput, RatingLink } from './ticket-email-input.js';

/**
 * Renders the mail about a journal event for one audience, in the recipient's language: the
 * subject `[#1042] Title` (the same for every mail of the ticket), text and HTML parts with
 * every user text escaped, and the threading headers. Returns null when the event is not
 * mailed to that audience (see src/notify/email/README.md for the table).
 */
export function renderTicketEmail(input: TicketEmailInput): OutgoingEmail | null {
  const content = emailContent(input);
  if (!content) return null;
  const { ticket, event, locale, translate } = input;
  const t = (line: Line): string => translate(locale, line.key, line.params);
  const subject = ticketSubject(ticket);
  let rating: MailParts['rating'] = null;
  if (content.rating) {
    rating = input.ratingLinks?.length
      ? { ask: translate(locale, 'email.rating.ask'), scale: translate(locale, 'email.rating.scale'), links: input.ratingLinks }
      : { inChat: translate(locale, 'email.rating.in_chat') };
  }
  const parts: MailParts = {
    locale,
    subject,
    lead: t(content.lead),
    quote: content.quote,
    facts: content.facts.map((fact) => ({ label: translate(locale, fact.label), value: fact.value })),
    rating,
    notes: content.notes.map(t),
    footer: translate(locale, 'email.footer', { number: ticket.number }),
  };
  const thread = threadHeaders(ticket, event, input.audience, input.fromAddress);
  return {
    subject,
    text: layoutText(parts),
    html: layoutHtml(parts),
    messageId: thread.messageId,
    inReplyTo: thread.inReplyTo,
    references: thread.references,
    headers: { ...automaticMailHeaders },
  };
}
