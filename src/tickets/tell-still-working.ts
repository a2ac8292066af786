import type { Actor } from '../people/actor.js';
import { changeTicket, type ChangeResult } from './change-ticket.js';
import type { TicketDeps } from './ticket-deps.js';
import { alreadyInState } from './transition-error.js';

/**
 * Tells a requester who has waited on the team since `quietSince` that the ticket is still
 * being worked on. A public event by the helpdesk: it moves the ticket's last team update,
 * so the next one comes only after another quiet period.
 */
export function tellStillWorking(deps: TicketDeps, actor: Actor, number: number, quietSince: Date): Promise<ChangeResult> {
  return changeTicket(deps, {
    actor,
    number,
    action: 'automate',
    via: 'system',
    plan: (ticket) => {
      const lastWord = ticket.lastTeamUpdateAt ?? ticket.createdAt;
      if ((ticket.status !== 'new' && ticket.status !== 'in_progress') || lastWord > quietSince) throw alreadyInState(ticket, 'still_working');
      return { type: 'still_working', set: {}, before: {}, after: { since: lastWord }, internal: false };
    },
  });
}
