import { HelpdeskError } from '../errors.js';
import type { Actor } from '../people/actor.js';
import { changeTicket, type ChangeResult } from './change-ticket.js';
import type { TicketDeps, Via } from './ticket-deps.js';
import { limits } from './ticket-limits.js';
import { invalidTransition } from './transition-error.js';

/** The requester rates a resolved (or closed) ticket 1-5, optionally with a comment; a new rating replaces the old one. */
export async function rateTicket(
  deps: TicketDeps,
  actor: Actor,
  number: number,
  input: { score: number; comment?: string | null },
  via: Via,
): Promise<ChangeResult> {
  if (!Number.isInteger(input.score) || input.score < 1 || input.score > 5) {
    throw new HelpdeskError('VALIDATION_FAILED', 'the rating must be 1 to 5', {}, [
      { path: 'score', message: 'an integer from 1 to 5' },
    ]);
  }
  const comment = input.comment?.trim() || null;
  if (comment && comment.length > limits.ratingComment) {
    throw new HelpdeskError('VALIDATION_FAILED', 'the rating comment is too long', {}, [
      { path: 'comment', message: `at most ${limits.ratingComment} characters` },
    ]);
  }
  return changeTicket(deps, {
    actor,
    number,
    action: 'rate',
    via,
    plan: (ticket, now) => {
      if (ticket.status !== 'resolved' && ticket.status !== 'closed') throw invalidTransition(ticket, 'rate');
      const rating = { score: input.score, comment, at: now };
      return {
        type: 'rated',
        set: { rating },
        before: { rating: ticket.rating },
        after: { rating },
        text: comment,
      };
    },
  });
}
