import { ErrorCode } from '@slack/web-api';
import { ChannelError } from '../../../src/notify/channel.js';

/** The platform's error code of a failed Web API call (`not_in_channel`), or null. */
export function slackErrorCode(error: unknown): string | null {
  if (typeof error !== 'object' || error === null) return null;
  const coded = error as { code?: unknown; data?: { error?: unknown } };
  if (coded.code === ErrorCode.PlatformError && typeof coded.data?.error === 'string' && coded.data.error !== '') return coded.data.error;
  return null;
}

/**
 * The app cannot post there until an admin acts (invite it back, grant a scope, unarchive):
 * logged, told to the admins, and never retried in a loop.
 */
const chatProblems = new Set(['not_in_channel', 'channel_not_found', 'is_archived', 'missing_scope', 'restricted_action', 'no_permission', 'ekm_access_denied']);

/** The token itself is refused: every call fails until it is fixed, so deliveries wait for the fix. */
const tokenProblems = new Set(['invalid_auth', 'not_authed', 'token_revoked', 'token_expired', 'account_inactive']);

/** Slack's own trouble: worth another try later. */
const passing = new Set(['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

export function isChatProblem(code: string | null): boolean {
  return code !== null && chatProblems.has(code);
}

export function isTokenProblem(code: string | null): boolean {
  return code !== null && tokenProblems.has(code);
}

/** Seconds Slack asked to wait, when the client gave up after a 429. */
function retryAfterMs(error: unknown): number | null {
  const seconds = (error as { retryAfter?: unknown }).retryAfter;
  if (typeof seconds === 'number') return seconds * 1000;
  const message = error instanceof Error ? `${error.message} ${(error as { original?: Error }).original?.message ?? ''}` : '';
  const match = /retry-after: (\d+)/.exec(message);
  return match ? Number(match[1]) * 1000 : null;
}

/** A failed call as a ChannelError that tells the outbox whether a retry may help. */
export function toChannelError(error: unknown): ChannelError {
  if (error instanceof ChannelError) return error;
  const code = slackErrorCode(error);
  const message = `slack: ${code ?? (error instanceof Error ? error.message : String(error))}`;
  if (code !== null) {
    const retryable = passing.has(code) || tokenProblems.has(code);
    return new ChannelError(message, { retryable, retryAfterMs: code === 'ratelimited' ? 60_000 : null });
  }
  const kind = (error as { code?: unknown } | null)?.code;
  // A failure without Slack's error code is not Slack's answer (an empty body, `{}` from a
  // proxy): like a network failure, worth another try.
  if (kind === ErrorCode.PlatformError) return new ChannelError(`slack: unexpected answer (${message.slice(7) || 'empty'})`, { retryable: true, retryAfterMs: null });
  if (kind === ErrorCode.FileUploadInvalidArgumentsError || kind === ErrorCode.FileUploadReadFileDataError) {
    return new ChannelError(message, { retryable: false });
  }
  // Network errors, 5xx, and 429s the client stopped waiting for.
  return new ChannelError(message, { retryable: true, retryAfterMs: retryAfterMs(error) });
}

/** What a log line may say of a failure: the code and message, never a token or a request body. */
export function describeSlackError(error: unknown): { code: string | null; message: string } {
  return { code: slackErrorCode(error), message: (error instanceof Error ? error.message : String(error)).replace(/xox[a-z]-[A-Za-z0-9-]+/g, 'xox?-…') };
}
