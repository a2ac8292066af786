import { trusted } from '../db/connection.js';
import type { Ticket } from '../db/models/ticket.js';
import { HelpdeskError } from '../errors.js';
import type { Actor } from '../people/actor.js';
import { hasRole } from '../people/policy.js';
import type { ChangeResult } from './change-ticket.js';
import { openStatuses } from './state-machine.js';
import { takeTicket } from './take-ticket.js';
import type { TicketDeps, Via } from './ticket-deps.js';

/**
 * Gives the agent the oldest unassigned open ticket of their departments, or of the one
 * department asked for (first in, first out). When another agent takes the same ticket at
 * the same moment, the next one is tried. Returns null when the queue is empty.
 */
export async function takeNextTicket(deps: TicketDeps, actor: Actor, via: Via, department?: string): Promise<ChangeResult | null> {
  const queues = department === undefined ? actor.departments : actor.departments.filter((key) => key === department);
  if (!hasRole(actor, 'agent') || queues.length === 0) {
    throw new HelpdeskError('QUEUE_FORBIDDEN', 'only agents of a department take tickets from its queue');
  }
  const skipped: number[] = [];
  for (let attempt = 0; attempt < 10; attempt += 1) {
    const candidate = await deps.models.Ticket.findOne({
      department: trusted({ $in: queues }),
      status: trusted({ $in: [...openStatuses] }),
      assigneeId: null,
      number: trusted({ $nin: skipped }),
    })
      .sort({ createdAt: 1, number: 1 })
      .select({ number: 1 })
      .lean<Pick<Ticket, 'number'>>();
    if (!candidate) return null;
    try {
      return await takeTicket(deps, actor, candidate.number, via);
    } catch (error) {
      if (!(error instanceof HelpdeskError) || error.code !== 'TICKET_ALREADY_TAKEN') throw error;
      skipped.push(candidate.number);
    }
  }
  return null;
}
