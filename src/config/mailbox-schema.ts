import { z } from 'zod';

const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'expected the name of an environment variable, like MAILBOX_IT_PASSWORD (the secret itself never sits in this file)');
const domain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, 'expected a mail domain, like corp.example');

/**
 * A department's mailbox read over IMAP (`departments[].mailbox`): new mail opens tickets,
 * replies become comments. TLS by default; plain IMAP only when allowed.
 */
export const mailboxSchema = z
  .strictObject({
    url: z.string().regex(/^imaps?:\/\/[^/\s]+\/?$/i, 'expected imaps://host:993 or imap://host:143'),
    user: z.string().trim().min(1, 'must not be empty'),
    passwordEnv: envName,
    folder: z.string().trim().min(1).default('INBOX'),
    /** Where processed mail goes; levels split on `/` whatever the server's separator. */
    done: z.string().trim().min(1).default('Helpdesk/Done'),
    startTls: z.boolean().default(false),
    allowPlain: z.boolean().default(false),
    caFile: z.string().trim().min(1).optional(),
    /** How often the mailbox is read when the server has no IDLE (and the longest IDLE). */
    pollSeconds: z.number().int().min(5).max(3600).default(60),
    /** New tickets from one sender per hour; more of their mail becomes comments of their last ticket. */
    maxNewPerSenderPerHour: z.number().int().min(1).max(1000).default(5),
    /** Senders' domains taken; empty takes any. */
    allowedDomains: z.array(domain).default([]),
    /**
     * Per-ticket reply addresses on the department's `email` (plus addressing): notices about
     * ticket 1042 say Reply-To `it+1042@...`; staff write to `it+1042-note@...` for a note.
     */
    replyAddresses: z.boolean().default(false),
    /** A larger mail is refused (the sender is told), never downloaded. */
    maxMailMegabytes: z.number().min(1).max(200).default(30),
  })
  .superRefine((settings, ctx) => {
    const plain = settings.url.toLowerCase().startsWith('imap://');
    if (plain && !settings.startTls && !settings.allowPlain) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'imap:// sends the password in the clear: use imaps://, or set startTls: true, or allowPlain: true if you must' });
    }
    if (!plain && settings.startTls) ctx.addIssue({ code: 'custom', path: ['startTls'], message: 'startTls is for imap:// URLs; imaps:// is TLS already' });
  });

export type MailboxSettings = z.output<typeof mailboxSchema>;
