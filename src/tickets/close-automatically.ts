import type { Actor } from '../people/actor.js';
import { changeTicket, type ChangeResult } from './change-ticket.js';
import type { TicketDeps } from './ticket-deps.js';
import { alreadyInState } from './transition-error.js';

/**
 * Closes a ticket resolved before `resolvedBefore` that the requester did not answer (an
 * answer would have reopened it). The event says it was automatic and after how many days,
 * so the requester's notice can explain it.
 */
export function closeAutomatically(deps: TicketDeps, actor: Actor, number: number, resolvedBefore: Date, days: number): Promise<ChangeResult> {
  return changeTicket(deps, {
    actor,
    number,
    action: 'automate',
    via: 'system',
    plan: (ticket, now) => {
      const resolvedAt = ticket.metrics.resolvedAt;
      if (ticket.status !== 'resolved' || !resolvedAt || resolvedAt > resolvedBefore) throw alreadyInState(ticket, 'close');
      return {
        type: 'status_changed',
        set: { status: 'closed', closedAt: now },
        before: { status: ticket.status },
        after: { status: 'closed', auto: true, days },
      };
    },
  });
}
