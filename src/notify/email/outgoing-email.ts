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

/** A file sent with a mail: its bytes, or the path of a file streamed from disk as the mail goes out. */
export interface EmailAttachment {
  filename: string;
  contentType: string;
  content: Buffer | { path: string };
}

/** A mail with its recipients, what the mailer sends. */
export interface EmailMessage extends OutgoingEmail {
  to: string | string[];
  /** Files attached (a scheduled report's workbook). */
  attachments?: EmailAttachment[];
}
