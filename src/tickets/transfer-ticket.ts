import { departmentByKey } from '../db/department-cache.js';
import { HelpdeskError } from '../errors.js';
import type { Actor } from '../people/actor.js';
import { changeTicket, type ChangeResult } from './change-ticket.js';
import { isOpen } from './state-machine.js';
import type { TicketDeps, Via } from './ticket-deps.js';
import { alreadyInState } from './transition-error.js';

export interface TransferInput {
  department: string;
  category?: string | null;
}

/**
 * Moves a ticket to another department. An open ticket goes back to the new department's
 * queue (unassigned, new); a resolved or closed one only has its department corrected, so
 * reports count it where it belongs.
 */
export async function transferTicket(
  deps: TicketDeps,
  actor: Actor,
  number: number,
  input: TransferInput,
  via: Via,
): Promise<ChangeResult> {
  const found = await departmentByKey(deps.models, input.department);
  const department = found?.active ? found : null;
  if (!department) {
    throw new HelpdeskError('VALIDATION_FAILED', `unknown department ${input.department}`, {}, [
      { path: 'department', message: `unknown department ${input.department}` },
    ]);
  }
  const category = input.category ?? null;
  if (category && !department.categories.some((c) => c.key === category)) {
    throw new HelpdeskError('VALIDATION_FAILED', `unknown category ${category}`, {}, [
      { path: 'category', message: `unknown category ${category} in department ${department.key}` },
    ]);
  }
  return changeTicket(deps, {
    actor,
    number,
    action: 'transfer',
    via,
    plan: (ticket) => {
      if (ticket.department === department.key && ticket.category === category) {
        throw alreadyInState(ticket, 'transfer');
      }
      // The new department's targets apply from when the ticket was opened (changeTicket recomputes them).
      const set: Record<string, unknown> = { department: department.key, category };
      const before: Record<string, unknown> = { department: ticket.department, category: ticket.category };
      const after: Record<string, unknown> = { department: department.key, category };
      if (isOpen(ticket.status) && ticket.department !== department.key) {
        Object.assign(set, { assigneeId: null, assigneeName: null, status: 'new' });
        Object.assign(before, { assigneeId: ticket.assigneeId, status: ticket.status });
        Object.assign(after, { assigneeId: null, status: 'new' });
      }
      return { type: 'transferred', set, before, after };
    },
  });
}
