import { trusted } from '../db/connection.js';
import type { Models } from '../db/models/index.js';
import { isHelpdeskError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { TicketService } from '../tickets/ticket-service.js';
import { systemActor } from './system-actor.js';

export interface OffboardSummary {
  tokensRevoked: number;
  ticketsReturned: number;
}

const OPEN = new Set(['new', 'in_progress', 'waiting']);

/**
 * What a person who left (deactivated by the org config or a directory import) must lose at
 * once: their API tokens are revoked, and the open tickets assigned to them go back to their
 * department's queue, each a journaled release by the helpdesk (so the department hears of it
 * through the outbox). Chat access ends by itself: every lookup of a person wants an active
 * one. Idempotent: run after every sync, it finds nothing left to do the second time.
 */
export async function offboardDeactivated(models: Models, tickets: TicketService, logger: Logger, now: () => Date): Promise<OffboardSummary> {
  const gone = await models.Person.find({ active: false }).select({ _id: 1, email: 1 }).lean();
  const summary: OffboardSummary = { tokensRevoked: 0, ticketsReturned: 0 };
  if (gone.length === 0) return summary;
  const ids = gone.map((person) => person._id);
  const revoked = await models.ApiToken.updateMany({ personId: trusted({ $in: ids }), revokedAt: null }, { $set: { revokedAt: now() } });
  summary.tokensRevoked = revoked.modifiedCount;
  const assigned = (await models.Ticket.find({ assigneeId: trusted({ $in: ids }) }).select({ number: 1, status: 1 }).lean()).filter((ticket) => OPEN.has(ticket.status));
  const helpdesk = await systemActor(models);
  for (const ticket of assigned) {
    try {
      await tickets.release(helpdesk, ticket.number, 'system', { assigneeLeft: true });
      summary.ticketsReturned += 1;
    } catch (error) {
      // Released meanwhile by someone else: nothing left to do for it.
      if (!isHelpdeskError(error)) throw error;
    }
  }
  if (summary.tokensRevoked || summary.ticketsReturned) logger.info({ ...summary }, 'people who left: API tokens revoked and their open tickets returned to the queue');
  return summary;
}
