import type { Ticket } from '../db/models/ticket.js';
import { HelpdeskError } from '../errors.js';

/** Staff work that a resolved or closed ticket must be reopened for (a requester's reply or rating is another matter). */
const staffWork = new Set(['take', 'release', 'assign', 'transfer', 'set_priority', 'wait', 'resume', 'resolve']);

/** Whether the refusal should tell staff to reopen the ticket first. */
export function needsReopen(params: Record<string, string | number>): boolean {
  return (params.from === 'resolved' || params.from === 'closed') && staffWork.has(String(params.action));
}

/** The typed error for a move the state machine does not allow from the ticket's status. */
export function invalidTransition(ticket: Ticket, action: string): HelpdeskError {
  const reopen = needsReopen({ from: ticket.status, action }) ? ': reopen it first' : '';
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
