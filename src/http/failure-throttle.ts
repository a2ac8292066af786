import type { FastifyReply, FastifyRequest } from 'fastify';

export interface FailureThrottleOptions {
  /** Failures a client may have within `windowMs` before it must wait. */
  limit: number;
  windowMs: number;
  /** Clients remembered at most (the oldest forgotten first), so a flood of addresses cannot fill memory. */
  maxClients?: number;
  now?: () => number;
}

export const defaultFailureThrottle: FailureThrottleOptions = { limit: 20, windowMs: 60_000 };

/**
 * Failed attempts per client (its address): wrong API tokens, unknown rating links. Past the
 * limit within the window, the client's next attempts are answered 429 with Retry-After
 * without being checked, so guessing a token costs a minute per twenty tries. Only failures
 * count: a client that authenticates is never slowed.
 */
export class FailureThrottle {
  private readonly failures = new Map<string, number[]>();
  private readonly now: () => number;

  constructor(private readonly options: FailureThrottleOptions = defaultFailureThrottle) {
    this.now = options.now ?? Date.now;
  }

  /** Milliseconds until the client may try again; 0 when it may now. */
  waitMs(client: string): number {
    const recent = this.recent(client);
    if (recent.length < this.options.limit) return 0;
    return Math.max(0, recent[recent.length - this.options.limit]! + this.options.windowMs - this.now());
  }

  failed(client: string): void {
    const recent = [...this.recent(client), this.now()];
    this.failures.delete(client);
    this.failures.set(client, recent.slice(-this.options.limit));
    if (this.failures.size > (this.options.maxClients ?? 10_000)) this.failures.delete(this.failures.keys().next().value!);
  }

  private recent(client: string): number[] {
    const since = this.now() - this.options.windowMs;
    return (this.failures.get(client) ?? []).filter((at) => at > since);
  }
}

/** The seconds a throttled client is told to wait (Retry-After), at least one. */
export function retryAfterSeconds(waitMs: number): number {
  return Math.max(1, Math.ceil(waitMs / 1000));
}

/** Sets Retry-After on a 429 for a throttled client. */
export function tellToWait(reply: FastifyReply, waitMs: number): number {
  const seconds = retryAfterSeconds(waitMs);
  reply.header('retry-after', String(seconds));
  return seconds;
}

/** The client a failure is counted for: its address as the server sees it (set trustProxy behind a proxy). */
export const clientOf = (request: FastifyRequest) => request.ip;
