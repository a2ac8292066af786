import { readFile } from 'node:fs/promises';
import { ImapFlow } from 'imapflow';
import type { MailboxSettings } from '../config/mailbox-schema.js';

/** Why a mailbox could not be read; the message names the setting to check, never the password. */
export class MailboxError extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
  ) {
    super(message);
    this.name = 'MailboxError';
  }
}

const CERTIFICATE = /CERT|certificate|self[- ]signed|altname/i;

/** A failure on the way to the mail server, as a MailboxError that says what to check. */
export function describeImapError(error: unknown, settings: MailboxSettings): MailboxError {
  if (error instanceof MailboxError) return error;
  const record = (error ?? {}) as { code?: string; message?: string; authenticationFailed?: boolean; responseText?: string };
  const text = `${record.code ?? ''} ${record.message ?? ''} ${record.responseText ?? ''}`.trim();
  if (record.authenticationFailed || /AUTHENTICATIONFAILED|authentication failed/i.test(text)) {
    return new MailboxError(`${settings.url} refused the login of ${settings.user}: wrong user or password (check the mailbox's user and ${settings.passwordEnv})`, false);
  }
  if (CERTIFICATE.test(text)) return new MailboxError(`the certificate of ${settings.url} does not verify (${text}); set the mailbox's caFile to the CA that signed it`, false);
  if (/ECONNREFUSED|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN|ECONNRESET|ETIMEDOUT|timeout|timed out|NoConnection|closed/i.test(text)) {
    return new MailboxError(`cannot read ${settings.url} (${text || 'connection closed'}); tried again later`, true);
  }
  return new MailboxError(`${settings.url} failed: ${text || String(error)}`, true);
}

/**
 * A connected and logged-in IMAP client for a mailbox: TLS from the start (imaps://) or by
 * STARTTLS, plain only when allowed; deadlines on connecting (10 s), the greeting and every
 * answer (60 s). The poller starts IDLE while it waits, so an open connection hears of new mail at once.
 */
export async function openImap(settings: MailboxSettings, password: string, onError: (message: string) => void = () => undefined): Promise<ImapFlow> {
  const url = new URL(settings.url);
  const secure = url.protocol === 'imaps:';
  let ca: Buffer[] | undefined;
  if (settings.caFile) {
    try {
      ca = [await readFile(settings.caFile)];
    } catch (error) {
      throw new MailboxError(`the mailbox's caFile ${settings.caFile} cannot be read (${(error as { code?: string }).code ?? String(error)})`, false);
    }
  }
  const client = new ImapFlow({
    host: url.hostname,
    port: Number(url.port) || (secure ? 993 : 143),
    secure,
    ...(secure ? {} : { doSTARTTLS: settings.startTls ? true : false }),
    auth: { user: settings.user, pass: password },
    ...(ca ? { tls: { ca } } : {}),
    logger: false,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 60_000,
    maxIdleTime: settings.pollSeconds * 1000,
    // IDLE is started by the poller when it waits for mail, not after any pause.
    disableAutoIdle: true,
  });
  // A connection that drops while idle emits 'error' (never the password); the reader finds it
  // closed and reconnects, so the error is only told, not thrown.
  client.on('error', (error: unknown) => onError(describeImapError(error, settings).message));
  try {
    await client.connect();
  } catch (error) {
    client.close();
    throw describeImapError(error, settings);
  }
  return client;
}
