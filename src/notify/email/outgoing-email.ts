/** A rendered mail about a ticket, ready for any recipient of its audience. */
export interface OutgoingEmail {
  subject: string;
  text: string;
  html: string;
  messageId: string;
  inReplyTo: string | null;
  references: string[];
  /** Extra headers: Auto-Submitted, X-Auto-Response-Suppress. */
  headers: Record<string, string>;
}

/** A mail with its recipients, what the mailer sends. */
export interface EmailMessage extends OutgoingEmail {
  to: string | string[];
}
