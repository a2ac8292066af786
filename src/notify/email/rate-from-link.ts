import type { Models } from '../../db/models/index.js';
import type { PersonDoc } from '../../db/models/person.js';
import type { Ticket } from '../../db/models/ticket.js';
import { kvScope } from '../../db/kv-scope.js';
import { actorFromPerson, type Actor } from '../../people/actor.js';
import type { TicketService } from '../../tickets/ticket-service.js';
import type { RatingLinks } from './rating-links.js';

/**
 * Why a rating link cannot be used: `malformed` (not shaped like a token), `unknown` (forged,
 * or its ticket or requester is gone), `bad_score`, `already_rated` (the link rates once
 * per resolution).
 */
export class RatingLinkError extends Error {
  constructor(
    readonly reason: 'malformed' | 'unknown' | 'bad_score' | 'already_rated',
    readonly params: Record<string, string | number> = {},
  ) {
    super(`rating link refused: ${reason}`);
    this.name = 'RatingLinkError';
  }
}

/** The ticket and requester a valid link stands for. */
export interface LinkedTicket {
  ticket: Ticket;
  requester: Actor;
  /** What the page can offer: the form, a thank-you for an earlier rating, or why not. */
  state: 'rateable' | 'rated' | 'not_rateable';
}

export interface LinkRatingDeps {
  models: Models;
  tickets: TicketService;
  links: RatingLinks;
}

/** Rated since the ticket was last resolved: a reopened and again resolved ticket may be rated anew. */
function ratedSinceResolved(ticket: Ticket): boolean {
  const resolvedAt = ticket.metrics.resolvedAt;
  return ticket.rating !== null && resolvedAt !== null && ticket.rating.at.getTime() >= resolvedAt.getTime();
}

/**
 * Rating from an e-mail link, on behalf of the ticket's requester. The token stands in for a
 * login, so a link rates only its own ticket, once per resolution: a second press (a double
 * click, a forwarded mail) is refused instead of silently replacing the first score. The
 * rating itself goes through the ticket service, which checks the state and journals it.
 */
export function createLinkRating(deps: LinkRatingDeps) {
  const { models, tickets, links } = deps;
  // One entry per ticket resolution rated by link: the unique index lets one of two presses win.
  const used = kvScope<{ score: number }>(models, 'email-rating-used');

  /** Checks a link's token and finds its ticket and requester; throws RatingLinkError. */
  async function open(token: string): Promise<LinkedTicket> {
    const ticketId = links.ticketIdOf(token);
    if (!ticketId) throw new RatingLinkError('malformed');
    const ticket = await models.Ticket.findById(ticketId).lean<Ticket>();
    if (!ticket || !(await links.verify(token, ticket))) throw new RatingLinkError('unknown');
    const person = await models.Person.findOne({ _id: ticket.requesterId, active: true }).lean<PersonDoc>();
    if (!person) throw new RatingLinkError('unknown');
    const state = ratedSinceResolved(ticket) ? 'rated' : ticket.status === 'resolved' || ticket.status === 'closed' ? 'rateable' : 'not_rateable';
    return { ticket, requester: actorFromPerson(person), state };
  }

  /** Rates the ticket of a link `open` accepted; throws RatingLinkError or the service's HelpdeskError. */
  async function rate(linked: LinkedTicket, score: number, comment: string | null): Promise<Ticket> {
    const { ticket, requester } = linked;
    if (!Number.isInteger(score) || score < 1 || score > 5) throw new RatingLinkError('bad_score');
    const alreadyRated = (current: Ticket) => new RatingLinkError('already_rated', { number: current.number, score: current.rating?.score ?? score });
    if (ratedSinceResolved(ticket)) throw alreadyRated(ticket);
    const claim = `${ticket._id.toHexString()}:${ticket.metrics.resolvedAt?.getTime() ?? 'open'}`;
    if (!(await used.insertNew(claim, { score }))) {
      const current = (await models.Ticket.findById(ticket._id).lean<Ticket>()) ?? ticket;
      throw alreadyRated(current);
    }
    try {
      const result = await tickets.rate(requester, ticket.number, { score, comment }, 'email');
      return result.ticket;
    } catch (error) {
      // Not rated after all (reopened meanwhile, comment too long): the link stays usable.
      await used.delete(claim);
      throw error;
    }
  }

  return { open, rate };
}

export type LinkRating = ReturnType<typeof createLinkRating>;
