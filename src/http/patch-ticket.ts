import { Types } from 'mongoose';
import type { Models } from '../db/models/index.js';
import type { JournalEvent } from '../db/models/journal-event.js';
import type { Priority, Ticket } from '../db/models/ticket.js';
import { HelpdeskError, type FieldError } from '../errors.js';
import { actorFromPerson, type Actor } from '../people/actor.js';
import { can, canBeAssignee, type TicketAction } from '../people/policy.js';
import type { ChangeResult } from '../tickets/change-ticket.js';
import type { TicketService } from '../tickets/ticket-service.js';

export interface TicketPatch {
  priority?: Priority;
  department?: string;
  category?: string | null;
  /** A person id; null releases the ticket. */
  assignee?: string | null;
}

interface Step {
  action: TicketAction;
  run: () => Promise<ChangeResult>;
}

/**
 * The fields a PATCH names, checked all together before anything is written: unknown
 * department, category or assignee are reported at once (400), and a change the policy
 * refuses is 403 before any other change is applied.
 */
async function checkFields(models: Models, ticket: Ticket, patch: TicketPatch, department: string, category: string | null) {
  const fields: FieldError[] = [];
  const target = await models.Department.findOne({ key: department, active: true }).lean();
  if (!target) fields.push({ path: patch.department ? 'department' : 'category', message: `unknown department ${department}` });
  if (target && category && !target.categories.some((c) => c.key === category)) {
    fields.push({ path: 'category', message: `unknown category ${category} in department ${department}` });
  }
  if (patch.assignee) {
    const person = await models.Person.findOne({ _id: new Types.ObjectId(patch.assignee), active: true }).lean();
    if (!person) fields.push({ path: 'assignee', message: 'no active person with this id' });
    else if (!canBeAssignee(actorFromPerson(person), department)) {
      fields.push({ path: 'assignee', message: `not an agent of department ${department}` });
    }
  }
  if (fields.length > 0) throw new HelpdeskError('VALIDATION_FAILED', `ticket #${ticket.number}: invalid changes`, {}, fields);
}

/**
 * Applies a PATCH through the service functions, in a fixed order: priority, then department
 * (transfer), then assignee (assigned in the department the ticket ends up in). A field that
 * already has the requested value is skipped, so repeating a PATCH is harmless. Without
 * transactions a later step refused by the state machine (assigning a closed ticket, say)
 * leaves the earlier ones applied; the journal shows exactly what happened.
 */
export async function patchTicket(
  deps: { models: Models; tickets: TicketService },
  actor: Actor,
  number: number,
  patch: TicketPatch,
): Promise<{ ticket: Ticket; events: JournalEvent[] }> {
  const { tickets } = deps;
  const ticket = await tickets.get(actor, number);
  const department = patch.department ?? ticket.department;
  const moves = department !== ticket.department;
  const category = patch.category !== undefined ? patch.category : moves ? null : ticket.category;
  await checkFields(deps.models, ticket, patch, department, category);

  const steps: Step[] = [];
  const { priority, assignee } = patch;
  if (priority) steps.push({ action: 'set_priority', run: () => tickets.setPriority(actor, number, priority, 'api') });
  if (moves || category !== ticket.category) {
    steps.push({ action: 'transfer', run: () => tickets.transfer(actor, number, { department, category }, 'api') });
  }
  if (assignee !== undefined) {
    steps.push(
      assignee === null
        ? { action: 'release', run: () => tickets.release(actor, number, 'api') }
        : { action: 'assign', run: () => tickets.assign(actor, number, new Types.ObjectId(assignee), 'api') },
    );
  }
  // Rights to assign are judged in the department the ticket will be in by then.
  const scope = { ...ticket, department };
  const refused = steps.find((step) => !can(actor, step.action, step.action === 'assign' || step.action === 'release' ? scope : ticket));
  if (refused) {
    throw new HelpdeskError('FORBIDDEN', `not allowed to ${refused.action} ticket #${number}`, { number, action: refused.action });
  }

  let current = ticket;
  const events: JournalEvent[] = [];
  for (const step of steps) {
    try {
      const result = await step.run();
      current = result.ticket;
      events.push(result.event);
    } catch (error) {
      if (!(error instanceof HelpdeskError && error.code === 'ALREADY_IN_STATE')) throw error;
    }
  }
  return { ticket: current, events };
}
