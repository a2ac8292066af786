import type { Actor } from '../people/actor.js';
import { changeTicket, type ChangeResult } from './change-ticket.js';
import type { TicketDeps } from './ticket-deps.js';
import { alreadyInState } from './transition-error.js';

/**
 * Journals that the on-duty people are alerted of an urgent ticket that arrived outside
 * working hours; once per ticket. The outbox reaches them by chat and e-mail.
 */
export function alertOnDuty(deps: TicketDeps, actor: Actor, number: number): Promise<ChangeResult> {
  return changeTicket(deps, {
    actor,
    number,
    action: 'automate',
    via: 'system',
    plan: (ticket, now) => {
      if (ticket.onDutyAlertedAt || ticket.priority !== 'urgent' || ticket.status === 'resolved' || ticket.status === 'closed') {
        throw alreadyInState(ticket, 'alert_on_duty');
      }
      return { type: 'on_duty_alerted', set: { onDutyAlertedAt: now }, before: {}, after: { priority: ticket.priority }, internal: true };
    },
  });
}
