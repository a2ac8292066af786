import { HelpdeskError } from '../errors.js';
import type { Actor } from '../people/actor.js';
import { changeTicket, type ChangeResult } from './change-ticket.js';
import { nextStatus } from './state-machine.js';
import type { TicketDeps, Via } from './ticket-deps.js';
import { alreadyInState, invalidTransition } from './transition-error.js';

/**
 * Assigns an unassigned ticket to the acting agent. Atomic: of two agents pressing Take at
 * once, one wins and the other gets TICKET_ALREADY_TAKEN with the winner's name.
 */
export function takeTicket(deps: TicketDeps, actor: Actor, number: number, via: Via): Promise<ChangeResult> {
  return changeTicket(deps, {
    actor,
    number,
    action: 'take',
    via,
    plan: (ticket) => {
      // A resolved or closed ticket is not to be taken, whoever had it: it must be reopened first.
      const status = nextStatus(ticket.status, 'start');
      if (!status) throw invalidTransition(ticket, 'take');
      if (ticket.assigneeId?.equals(actor.id)) throw alreadyInState(ticket, 'take');
      if (ticket.assigneeId) {
        throw new HelpdeskError('TICKET_ALREADY_TAKEN', `ticket #${ticket.number} is already taken by ${ticket.assigneeName}`, {
          number: ticket.number,
          owner: ticket.assigneeName ?? '',
        });
      }
      return {
        type: 'taken',
        set: { assigneeId: actor.id, assigneeName: actor.name, status },
        before: { assigneeId: null, status: ticket.status },
        after: { assigneeId: actor.id, assigneeName: actor.name, status },
      };
    },
  });
}
