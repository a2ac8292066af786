import { ChannelError } from './channel-error.js';

export interface BreakerOptions {
  /** Outage failures in a row that open the breaker. */
  failuresToOpen: number;
  /** How long it stays open the first time; doubled each time a probe fails. */
  openMs: number;
  maxOpenMs: number;
  now?: () => number;
}

export const defaultBreakerOptions: BreakerOptions = { failuresToOpen: 3, openMs: 2000, maxOpenMs: 60_000 };

type State = 'closed' | 'open' | 'probing';

/**
 * Whether a failure says the peer is down (unreachable, timing out, answering 5xx), as
 * opposed to refusing one message (blocked user) or pacing us (429 with a wait): only outages
 * open the breaker.
 */
export function isOutage(error: unknown): boolean {
  return error instanceof ChannelError ? error.retryable && error.retryAfterMs === null : true;
}

/**
 * A circuit breaker for one peer (a chat platform, the mail server). Closed, calls go through;
 * after a few outage failures in a row it opens, and calls fail at once with a retryable
 * ChannelError that says when to come back, so the outbox's lanes for that peer wait with
 * backoff instead of each holding a worker until its deadline. When the wait is over, one call
 * goes through as a probe: its success closes the breaker (and wakes whoever waits for that),
 * its failure opens it again for twice as long.
 */
export class CircuitBreaker {
  private state: State = 'closed';
  private failures = 0;
  private openFor: number;
  private openUntil = 0;
  private readonly listeners = new Set<() => void>();
  private readonly now: () => number;

  constructor(
    readonly name: string,
    private readonly options: BreakerOptions = defaultBreakerOptions,
  ) {
    this.openFor = options.openMs;
    this.now = options.now ?? Date.now;
  }

  /** Closed: calls go through. */
  get closed(): boolean {
    return this.state === 'closed';
  }

  /** Milliseconds until a call may go through again (0 when it may now). */
  waitMs(): number {
    if (this.state === 'closed') return 0;
    return Math.max(0, this.openUntil - this.now());
  }

  /** Called whenever the breaker closes again after an outage. */
  onClose(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async run<T>(call: () => Promise<T>): Promise<T> {
    if (this.state !== 'closed') {
      const wait = this.openUntil - this.now();
      if (wait > 0 || this.state === 'probing') {
        throw new ChannelError(`${this.name} is unreachable: waiting ${Math.max(wait, 0)} ms before trying again`, { retryable: true, retryAfterMs: Math.max(wait, 250) });
      }
      this.state = 'probing';
    }
    try {
      const result = await call();
      this.succeeded();
      return result;
    } catch (error) {
      if (isOutage(error)) this.failed();
      else if (this.state === 'probing') this.succeeded(); // the peer answered: it is up
      throw error;
    }
  }

  private succeeded(): void {
    const reopened = this.state !== 'closed';
    this.state = 'closed';
    this.failures = 0;
    this.openFor = this.options.openMs;
    if (reopened) for (const listener of this.listeners) listener();
  }

  private failed(): void {
    this.failures += 1;
    if (this.state === 'probing') {
      this.openFor = Math.min(this.openFor * 2, this.options.maxOpenMs);
    } else if (this.failures < this.options.failuresToOpen) {
      return;
    }
    this.state = 'open';
    this.openUntil = this.now() + this.openFor;
  }
}

/** Where deliveries go, each with its own breaker and its own lane in the outbox. */
export type Lane = 'telegram' | 'slack' | 'email';

/** One breaker per lane, shared by everything that calls that peer. */
export class Breakers {
  private readonly byLane = new Map<Lane, CircuitBreaker>();

  constructor(private readonly options: BreakerOptions = defaultBreakerOptions) {}

  of(lane: Lane): CircuitBreaker {
    let breaker = this.byLane.get(lane);
    if (!breaker) this.byLane.set(lane, (breaker = new CircuitBreaker(lane, this.options)));
    return breaker;
  }
}
