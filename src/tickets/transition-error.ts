import type { Ticket } from '../db/models/ticket.js';
import { HelpdeskError } from '../errors.js';

/** The typed error for a move the state machine does not allow from the ticket's status. */
export function invalidTransition(ticket: Ticket, action: string): HelpdeskError {
  const reopen = ticket.status === 'resolved' || ticket.status === 'closed' ? ': reopen it first' : '';
  return new HelpdeskError('INVALID_TRANSITION', `cannot ${action} ticket #${ticket.number} while ${ticket.status}${reopen}`, {
    number: ticket.number,
    from: ticket.status,
    action,
  });
}

export function alreadyInState(ticket: Ticket, action: string): HelpdeskError {
  return new HelpdeskError('ALREADY_IN_STATE', `ticket #${ticket.number}: nothing to ${action}`, {
    number: ticket.number,
    action,
  });
}
