import { GrammyError, HttpError } from 'grammy';
import { ChannelError } from '../../../src/notify/channel.js';
import type { Redact } from './redact.js';

/** The description Telegram gives when an edit would not change anything: a success for us. */
export function isNotModified(error: unknown): boolean {
  return error instanceof GrammyError && error.error_code === 400 && /message is not modified/i.test(error.description);
}

/** The card message is gone (deleted in the chat) or too old to edit: post a new one. */
export function isMessageGone(error: unknown): boolean {
  return (
    error instanceof GrammyError &&
    error.error_code === 400 &&
    /message to edit not found|message can't be edited|message not found/i.test(error.description)
  );
}

/** Telegram refused to write to the chat: a user who blocked the bot or never started a chat with it. */
export function isForbidden(error: unknown): boolean {
  return error instanceof GrammyError && error.error_code === 403;
}

/** The new id of a group that became a supergroup, from a failed call. */
export function migratedTo(error: unknown): string | null {
  if (!(error instanceof GrammyError)) return null;
  const to = error.parameters?.migrate_to_chat_id;
  return typeof to === 'number' ? String(to) : null;
}

/**
 * Translates a Bot API failure into the core's ChannelError: flood control, server or
 * network trouble and a refused token are worth retrying; a user who blocked the bot or a
 * chat that removed it is not. The message never carries the token.
 */
export function toChannelError(error: unknown, redact: Redact): ChannelError {
  if (error instanceof ChannelError) return error;
  if (error instanceof GrammyError) {
    const description = `${error.method}: ${error.error_code} ${redact(error.description)}`;
    const retryAfter = error.parameters?.retry_after;
    // An answer without a code is a broken server or proxy, not a refusal: worth retrying.
    if (typeof error.error_code !== 'number') return new ChannelError(description, { retryable: true });
    if (error.error_code === 429) {
      return new ChannelError(description, { retryable: true, retryAfterMs: (retryAfter ?? 1) * 1000 });
    }
    if (error.error_code >= 500) return new ChannelError(description, { retryable: true });
    // The token was refused (revoked in BotFather): a configuration to fix, after which what
    // waits must still go out, so keep retrying.
    if (error.error_code === 401 || error.error_code === 404) return new ChannelError(description, { retryable: true });
    return new ChannelError(description, { retryable: false, movedTo: migratedTo(error) });
  }
  if (error instanceof HttpError) return new ChannelError(redact(error.message), { retryable: true });
  return new ChannelError(redact(error instanceof Error ? error.message : String(error)), { retryable: true });
}
