/**
 * What a channel throws when a delivery fails, so the caller knows whether to retry
 * (platform down, rate limited) or give up (blocked by the user, removed from the chat).
 */
export class ChannelError extends Error {
  readonly retryable: boolean;
  readonly retryAfterMs: number | null;
  /** The chat moved (a Telegram group that became a supergroup): deliver there instead. */
  readonly movedTo: string | null;

  constructor(message: string, options: { retryable: boolean; retryAfterMs?: number | null; movedTo?: string | null }) {
    super(message);
    this.name = 'ChannelError';
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs ?? null;
    this.movedTo = options.movedTo ?? null;
  }
}
