import { Types } from 'mongoose';
import { HelpdeskError } from '../errors.js';
import type { JournalEvent, JournalEventType } from '../db/models/journal-event.js';
import type { Attachment, Ticket } from '../db/models/ticket.js';
import type { CommentOrigin } from './comment-input.js';
import type { Actor } from '../people/actor.js';
import { can, type TicketAction } from '../people/policy.js';
import { applyJournalEvent, claimJournalEvent, rollForward, ticketAfter } from './journal.js';
import { loadTicket, notifyListeners, visibleTo } from './load-ticket.js';
import { slaChanges, slaSettingsOf } from './ticket-sla.js';
import type { TicketDeps, Via } from './ticket-deps.js';

/** What a use case wants to change, computed from the ticket as it is now. */
export interface ChangePlan {
  type: JournalEventType;
  /** Absolute values to set, dotted paths allowed (`metrics.resolvedAt`). */
  set: Record<string, unknown>;
  /** Words to add to the search arrays. */
  addPublicKeywords?: string[];
  addStaffKeywords?: string[];
  before: Record<string, unknown>;
  after: Record<string, unknown>;
  text?: string | null;
  internal?: boolean;
  attachments?: Attachment[];
  /** Where a comment was written (it is not echoed back there). */
  origin?: CommentOrigin | null;
}

export interface ChangeRequest {
  actor: Actor;
  number: number;
  action: TicketAction;
  via: Via;
  /** Builds the change from the current ticket; throws a HelpdeskError when it is not allowed. */
  plan: (ticket: Ticket, now: Date) => ChangePlan | Promise<ChangePlan>;
}

export interface ChangeResult {
  ticket: Ticket;
  event: JournalEvent;
}

const MAX_ATTEMPTS = 8;

/** Changes the requester hears of: the team's word resets the "still working on it" timer. */
const teamUpdates = new Set<JournalEventType>(['replied', 'status_changed', 'still_working']);

/**
 * Adds what every change implies beyond its own fields: the SLA state (pause, due dates,
 * working-time metrics, next escalation step) and when the requester last heard from the team.
 */
async function withDerivedFields(deps: TicketDeps, ticket: Ticket, actor: Actor, plan: ChangePlan, now: Date): Promise<ChangePlan> {
  const department = typeof plan.set.department === 'string' ? plan.set.department : ticket.department;
  const derived = slaChanges(ticket, plan.set, await slaSettingsOf(deps.models, department), now);
  if (teamUpdates.has(plan.type) && !plan.internal && !actor.id.equals(ticket.requesterId)) derived.lastTeamUpdateAt = now;
  return { ...plan, set: { ...derived, ...plan.set } };
}

function journalEvent(ticket: Ticket, request: ChangeRequest, plan: ChangePlan, now: Date): JournalEvent {
  return {
    _id: new Types.ObjectId(),
    ticketId: ticket._id,
    ticketNumber: ticket.number,
    seq: ticket.version + 1,
    type: plan.type,
    actorId: request.actor.id,
    actorName: request.actor.name,
    at: now,
    before: plan.before,
    after: plan.after,
    text: plan.text ?? null,
    internal: plan.internal ?? false,
    attachments: plan.attachments ?? [],
    via: request.via,
    origin: plan.origin ?? null,
    change: {
      set: Object.entries(plan.set).map(([path, value]) => ({ path, value })),
      addPublicKeywords: plan.addPublicKeywords ?? [],
      addStaffKeywords: plan.addStaffKeywords ?? [],
    },
  };
}

/**
 * The one way a ticket changes: check visibility and the policy, plan the change, claim the
 * next version by inserting the journal event (unique per ticket and sequence, so of two
 * concurrent takes exactly one wins), then apply it to the ticket document. A writer that
 * loses the race rolls the winner's change forward and plans again from the fresh ticket,
 * where it usually fails with a precise reason (already taken by X).
 */
export async function changeTicket(deps: TicketDeps, request: ChangeRequest): Promise<ChangeResult> {
  const { models, clock } = deps;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    // The ticket as this process's last change left it saves a read; the journal's unique
    // index proves it current (a claim of its next version fails otherwise), and whatever is
    // decided on it and refused is decided again on the stored ticket.
    const remembered = attempt === 0 ? deps.recent.get(request.number) : undefined;
    let ticket: Ticket;
    let event: JournalEvent;
    try {
      ticket = remembered ? visibleTo(request.actor, remembered, request.number) : await loadTicket(deps, request.actor, request.number);
      if (!can(request.actor, request.action, ticket)) {
        throw new HelpdeskError('FORBIDDEN', `not allowed to ${request.action} ticket #${ticket.number}`, {
          number: ticket.number,
          action: request.action,
        });
      }
      // One instant per change: the metrics it sets and its journal event agree.
      const now = clock();
      const plan = await withDerivedFields(deps, ticket, request.actor, await request.plan(ticket, now), now);
      event = journalEvent(ticket, request, plan, now);
    } catch (error) {
      if (remembered) continue;
      throw error;
    }
    if (!(await claimJournalEvent(models, event))) {
      deps.recent.forget(request.number);
      await rollForward(models, ticket._id, ticket.version);
      continue;
    }
    // The claimed event is the change, whatever the document says yet: its subscribers (the
    // outbox storing its deliveries, the SLA watch) work on the ticket as it is after the event
    // while the document is updated, saving the change a round trip. Usually one update applies
    // it, and the ticket after it is known without reading it back; the journal is read only
    // when the document lags.
    const after = ticketAfter(ticket, event);
    const [applied] = await Promise.all([applyJournalEvent(models, event), notifyListeners(deps, event, after)]);
    let updated: Ticket | null = after;
    if (!applied) {
      const stored = await models.Ticket.findById(ticket._id).select({ version: 1 }).lean<Pick<Ticket, 'version'>>();
      if (stored) await rollForward(models, ticket._id, stored.version);
      updated = await models.Ticket.findById(ticket._id).lean<Ticket>();
    }
    if (!updated) throw new Error(`ticket ${ticket.number} vanished`);
    deps.recent.remember(updated);
    return { ticket: updated, event };
  }
  throw new HelpdeskError('VERSION_CONFLICT', `ticket #${request.number} is changing too fast, try again`, {
    number: request.number,
  });
}
