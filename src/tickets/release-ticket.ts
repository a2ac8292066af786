import type { Actor } from '../people/actor.js';
import { changeTicket, type ChangeResult } from './change-ticket.js';
import { nextStatus } from './state-machine.js';
import type { TicketDeps, Via } from './ticket-deps.js';
import { alreadyInState, invalidTransition } from './transition-error.js';

/**
 * Returns an assigned ticket to its department's queue. `assigneeLeft`: the helpdesk does it
 * because the assignee left (deactivated); the event says so, for the department's card.
 */
export function releaseTicket(deps: TicketDeps, actor: Actor, number: number, via: Via, options: { assigneeLeft?: boolean } = {}): Promise<ChangeResult> {
  return changeTicket(deps, {
    actor,
    number,
    action: 'release',
    via,
    plan: (ticket) => {
      if (!ticket.assigneeId) throw alreadyInState(ticket, 'release');
      const status = nextStatus(ticket.status, 'unassign');
      if (!status) throw invalidTransition(ticket, 'release');
      return {
        type: 'released',
        set: { assigneeId: null, assigneeName: null, status },
        before: { assigneeId: ticket.assigneeId, assigneeName: ticket.assigneeName, status: ticket.status },
        after: { assigneeId: null, status, ...(options.assigneeLeft ? { assigneeLeft: ticket.assigneeName } : {}) },
      };
    },
  });
}
