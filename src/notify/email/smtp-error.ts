import { ChannelError } from '../channel.js';

/** The fields nodemailer puts on its errors (all optional: which are set depends on the failing step). */
interface SmtpFailure {
  code?: string;
  responseCode?: number;
  command?: string;
  response?: string;
  /** Set by nodemailer from the reply class when the server answered: true for 5xx except 503. */
  permanent?: boolean;
}

/** Failures without an SMTP reply that a retry cannot fix: the message or its envelope is wrong. */
const permanentWithoutReply = new Set(['EENVELOPE', 'ECONFIG', 'EMAXRECIPIENTS']);
/** The server refused the helpdesk's login: the configuration is at fault, not the mail, so it waits for a fix. */
const loginFailures = new Set(['EAUTH', 'ENOAUTH']);

function failureOf(error: unknown): SmtpFailure {
  return typeof error === 'object' && error !== null ? error : {};
}

/**
 * Maps a nodemailer failure to a ChannelError. Retryable: no connection, a timeout, a 4xx
 * reply (greylisting, mailbox busy), a refused login. Not retryable: a 5xx refusal (550 no
 * such mailbox, 554 rejected), which the same mail would get again. The message holds the
 * server's reply and the failing step, never the SMTP URL (it carries the password).
 */
export function smtpChannelError(error: unknown): ChannelError {
  if (error instanceof ChannelError) return error;
  const failure = failureOf(error);
  const code = typeof failure.code === 'string' ? failure.code : 'UNKNOWN';
  const reply = typeof failure.responseCode === 'number' ? failure.responseCode : null;
  const step = failure.command ? ` on ${failure.command}` : '';
  const said = failure.response ? `: ${failure.response}` : '';
  if (loginFailures.has(code)) {
    return new ChannelError(`SMTP login refused (${reply ?? code})${said}; check SMTP_URL`, { retryable: true });
  }
  if (reply !== null) {
    const permanent = failure.permanent ?? (reply >= 500 && reply !== 503);
    return new ChannelError(`SMTP ${reply}${step}${said}`, { retryable: !permanent });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ChannelError(`SMTP ${code}: ${message}`, { retryable: !permanentWithoutReply.has(code) });
}
