import type { Priority } from '../db/models/ticket.js';
import type { Actor } from '../people/actor.js';
import { changeTicket, type ChangeResult } from './change-ticket.js';
import type { TicketDeps, Via } from './ticket-deps.js';
import { alreadyInState, invalidTransition } from './transition-error.js';

/** Changes the priority of a ticket that is not closed; its due dates follow the new priority's targets. */
export function setPriority(
  deps: TicketDeps,
  actor: Actor,
  number: number,
  priority: Priority,
  via: Via,
): Promise<ChangeResult> {
  return changeTicket(deps, {
    actor,
    number,
    action: 'set_priority',
    via,
    plan: (ticket) => {
      if (ticket.status === 'closed') throw invalidTransition(ticket, 'set_priority');
      if (ticket.priority === priority) throw alreadyInState(ticket, 'set_priority');
      return {
        type: 'priority_changed',
        // The due dates follow in changeTicket, which recomputes the SLA of every change.
        set: { priority },
        before: { priority: ticket.priority },
        after: { priority },
      };
    },
  });
}
