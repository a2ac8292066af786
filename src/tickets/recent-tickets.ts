import type { Ticket } from '../db/models/ticket.js';

/** How long a remembered ticket is trusted as a first guess. */
const TRUST_MS = 30_000;
const REMEMBERED = 5000;

/**
 * Tickets as the last change made in this process left them, by number: a following change of
 * the same ticket (the next message of a conversation) starts from here instead of reading it.
 * Only a first guess: the journal's unique index refuses a change planned on a ticket that
 * changed since, and the change is then planned again on the stored one.
 */
export class RecentTickets {
  private readonly tickets = new Map<number, { ticket: Ticket; at: number }>();

  get(number: number): Ticket | undefined {
    const entry = this.tickets.get(number);
    return entry && Date.now() - entry.at < TRUST_MS ? entry.ticket : undefined;
  }

  remember(ticket: Ticket): void {
    this.tickets.delete(ticket.number);
    this.tickets.set(ticket.number, { ticket, at: Date.now() });
    if (this.tickets.size > REMEMBERED) this.tickets.delete(this.tickets.keys().next().value!);
  }

  forget(number: number): void {
    this.tickets.delete(number);
  }
}
