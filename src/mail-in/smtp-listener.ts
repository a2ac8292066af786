import { createHash } from 'node:crypto';
import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';
import { mailboxSchema } from '../config/mailbox-schema.js';
import type { Logger } from '../logger.js';
import { readMail } from './incoming-mail.js';
import { mailClaims } from './mail-claims.js';
import { processMail, type MailboxRef, type MailIntakeDeps } from './process-mail.js';

export interface SmtpListenerOptions {
  deps: MailIntakeDeps;
  /** The departments' addresses (their `email`), lowercased, with the mailbox settings mail to them follows. */
  routes: Map<string, MailboxRef>;
  host: string;
  port: number;
  logger: Logger;
}

/** An SMTP answer for the relay: 4xx makes it try again later, 5xx returns the mail to its sender. */
function smtpError(message: string, code: number): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

async function readStream(stream: SMTPServerDataStream, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
  }
  if (stream.sizeExceeded || size > limit) throw smtpError(`the mail is larger than ${Math.floor(limit / 2 ** 20)} MB`, 552);
  return Buffer.concat(chunks);
}

/**
 * An inbound SMTP listener for a relay that forwards the departments' mail to the helpdesk
 * (MAIL_IN_SMTP_PORT), behind the same processing as the mailboxes: a recipient that is no
 * department's address is refused (550), a mail is claimed by its Message-ID (or its digest)
 * before anything is done, and 250 is answered only once the change is stored, so a relay
 * that retries after a failure (451) never makes a second ticket. No login: bind it to the
 * relay's network only (MAIL_IN_SMTP_HOST, default 127.0.0.1).
 */
export async function startSmtpListener(options: SmtpListenerOptions) {
  const { deps, routes, logger } = options;
  const claims = mailClaims(deps.models);
  const maxBytes = Math.max(...[...routes.values()].map((route) => route.settings.maxMailMegabytes)) * 2 ** 20;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: maxBytes,
    banner: 'helpdesk mail intake',
    logger: false,
    socketTimeout: 60_000,
    onRcptTo(address, _session, callback) {
      if (routes.has(address.address.toLowerCase())) callback();
      else callback(smtpError(`${address.address}: no department takes mail at this address`, 550));
    },
    onData(stream, session, callback) {
      const route = session.envelope.rcptTo.map((to) => routes.get(to.address.toLowerCase())).find(Boolean)!;
      void (async () => {
        const raw = await readStream(stream, route.settings.maxMailMegabytes * 2 ** 20);
        const mail = await readMail(raw);
        const key = `smtp:${route.department}:${mail.messageId ?? createHash('sha256').update(raw).digest('hex')}`;
        const handled = await claims.once(key, deps.clock(), () => processMail(deps, route, mail, raw, key), (result) => result.kind);
        if (!handled.handled) {
          if (handled.reason === 'busy') throw smtpError('this mail is being handled; try again later', 451);
          return;
        }
        const outcome = handled.result;
        logger.info({ to: route.department, outcome: outcome.kind, ...('reason' in outcome ? { reason: outcome.reason } : {}) }, 'mail in (smtp): mail handled');
      })().then(
        () => callback(),
        (error: unknown) => {
          const code = (error as { responseCode?: number }).responseCode;
          if (!code) logger.error({ err: error instanceof Error ? error.message : String(error) }, 'mail in (smtp): a mail could not be processed; the relay tries again');
          callback(code ? (error as Error) : smtpError('the helpdesk could not take the mail now; try again later', 451));
        },
      );
    },
  });
  server.on('error', (error) => logger.warn({ err: error.message }, 'mail in (smtp): a connection failed'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  logger.info({ host: options.host, port: options.port, addresses: [...routes.keys()] }, 'mail in (smtp): listening');
  return {
    port: (server.server.address() as { port: number }).port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The intake settings of a department without a mailbox: the mailbox defaults (the IMAP keys unused). */
const SMTP_ONLY = mailboxSchema.parse({ url: 'imaps://smtp-intake.invalid', user: 'smtp-intake', passwordEnv: 'UNUSED' });

/** Mail to a department's `email` follows that department's mailbox settings, or the defaults. */
export function smtpRoutes(departments: { id: string; email?: string | undefined }[], mailboxes: MailboxRef[], defaults: MailboxRef['settings'] = SMTP_ONLY): Map<string, MailboxRef> {
  const routes = new Map<string, MailboxRef>();
  for (const department of departments) {
    if (!department.email) continue;
    const mailbox = mailboxes.find((candidate) => candidate.department === department.id);
    routes.set(department.email.toLowerCase(), mailbox ?? { key: `smtp:${department.id}`, department: department.id, settings: defaults });
  }
  return routes;
}
