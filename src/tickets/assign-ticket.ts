import type { Types } from 'mongoose';
import { HelpdeskError } from '../errors.js';
import { actorFromPerson, type Actor } from '../people/actor.js';
import { canBeAssignee } from '../people/policy.js';
import { changeTicket, type ChangeResult } from './change-ticket.js';
import { nextStatus } from './state-machine.js';
import type { TicketDeps, Via } from './ticket-deps.js';
import { alreadyInState, invalidTransition } from './transition-error.js';

/** Assigns (or reassigns) a ticket to an agent of its department: coordinators and managers. */
export async function assignTicket(
  deps: TicketDeps,
  actor: Actor,
  number: number,
  assigneeId: Types.ObjectId,
  via: Via,
): Promise<ChangeResult> {
  const person = await deps.models.Person.findOne({ _id: assigneeId, active: true }).lean();
  if (!person) {
    throw new HelpdeskError('VALIDATION_FAILED', 'unknown assignee', {}, [
      { path: 'assignee', message: 'no active person with this id' },
    ]);
  }
  const assignee = actorFromPerson(person);
  return changeTicket(deps, {
    actor,
    number,
    action: 'assign',
    via,
    plan: (ticket) => {
      if (!canBeAssignee(assignee, ticket.department)) {
        throw new HelpdeskError('VALIDATION_FAILED', `${assignee.name} does not work in ${ticket.department}`, {}, [
          { path: 'assignee', message: `not an agent of department ${ticket.department}` },
        ]);
      }
      if (ticket.assigneeId?.equals(assignee.id)) throw alreadyInState(ticket, 'assign');
      const status = nextStatus(ticket.status, 'start');
      if (!status) throw invalidTransition(ticket, 'assign');
      return {
        type: 'assigned',
        set: { assigneeId: assignee.id, assigneeName: assignee.name, status },
        before: { assigneeId: ticket.assigneeId, assigneeName: ticket.assigneeName, status: ticket.status },
        after: { assigneeId: assignee.id, assigneeName: assignee.name, status },
      };
    },
  });
}
