import nodemailer from 'nodemailer';
import type { Logger } from '../../logger.js';
import type { EmailAttachment, EmailMessage } from './outgoing-email.js';
import { smtpChannelError } from './smtp-error.js';

export interface MailerSettings {
  /** SMTP_URL: smtp(s)://user:password@host:port. */
  url: string;
  /** SMTP_FROM: the sender, like `Helpdesk <help@example.com>`. */
  from: string;
  /** Waits in milliseconds; the defaults suit a real server, tests shorten them. */
  timeouts?: { connectMs?: number; greetingMs?: number; socketMs?: number };
}

export interface Mailer {
  /** Sends one mail; throws ChannelError (retryable or not) when the server does not take it. */
  send(message: EmailMessage): Promise<{ messageId: string; accepted: string[] }>;
  /** Connects and logs in once, to report a bad SMTP_URL at start; throws ChannelError. */
  verify(): Promise<void>;
  /** Closes the pooled connections. */
  close(): void;
}

const MAX_CONNECTIONS = 3;

/** Nodemailer's form of an attachment: a file on disk is read by path while sending, never held whole in memory. */
function attachmentOf(attachment: EmailAttachment) {
  const source = Buffer.isBuffer(attachment.content) ? { content: attachment.content } : { path: attachment.content.path };
  return { filename: attachment.filename, contentType: attachment.contentType, ...source };
}

/** Where mail goes, for logs: host and port only, never the user or the password of the URL. */
export function smtpServerLabel(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return 'smtp server';
  }
}

/**
 * A pooled nodemailer transport for the helpdesk's mail. Connections are reused across mails
 * (the outbox sends bursts: one event, several recipients). Nodemailer gets no logger, so the
 * SMTP dialogue (with the AUTH line) never reaches the logs.
 */
export function createMailer(settings: MailerSettings, logger: Logger): Mailer {
  const server = smtpServerLabel(settings.url);
  const transport = nodemailer.createTransport({
    url: settings.url,
    pool: true,
    maxConnections: MAX_CONNECTIONS,
    // Deadlines of seconds: a mail server that is slow or gone holds up only the mail lane.
    connectionTimeout: settings.timeouts?.connectMs ?? 10_000,
    greetingTimeout: settings.timeouts?.greetingMs ?? 10_000,
    socketTimeout: settings.timeouts?.socketMs ?? 30_000,
    logger: false,
  });
  return {
    async send(message) {
      try {
        const info = await transport.sendMail({
          from: settings.from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          html: message.html,
          messageId: message.messageId,
          ...(message.inReplyTo ? { inReplyTo: message.inReplyTo } : {}),
          ...(message.references.length ? { references: message.references } : {}),
          headers: message.headers,
          ...(message.attachments?.length ? { attachments: message.attachments.map(attachmentOf) } : {}),
        });
        const rejected = info.rejected;
        if (rejected.length) logger.warn({ server, rejected: rejected.length, messageId: message.messageId }, 'some recipients of a mail were refused');
        return { messageId: info.messageId, accepted: info.accepted };
      } catch (error) {
        const failure = smtpChannelError(error);
        logger.warn({ server, messageId: message.messageId, retryable: failure.retryable, reason: failure.message }, 'mail not sent');
        throw failure;
      }
    },
    async verify() {
      try {
        await transport.verify();
        logger.info({ server }, 'SMTP server reachable');
      } catch (error) {
        throw smtpChannelError(error);
      }
    },
    close() {
      transport.close();
    },
  };
}
