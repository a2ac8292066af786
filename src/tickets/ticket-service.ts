import type { Types } from 'mongoose';
import type { Clock } from '../clock.js';
import type { Models } from '../db/models/index.js';
import type { Priority } from '../db/models/ticket.js';
import type { Logger } from '../logger.js';
import type { Actor } from '../people/actor.js';
import { addComment } from './add-comment.js';
import { alertOnDuty } from './alert-on-duty.js';
import { closeAutomatically } from './close-automatically.js';
import { recordSlaStep } from './record-sla-step.js';
import { tellStillWorking } from './tell-still-working.js';
import type { SlaStepKind, SlaTargetName } from '../sla/sla-due-dates.js';
import { addNote } from './add-note.js';
import type { CommentInput } from './comment-input.js';
import { replyToTicket } from './reply-to-ticket.js';
import { assignTicket } from './assign-ticket.js';
import { changeStatus, type StatusCommand } from './change-status.js';
import { getJournal, getTicket, getTicketForForm } from './get-ticket.js';
import { RecentTickets } from './recent-tickets.js';
import { listTickets, type TicketFilter } from './list-tickets.js';
import { openTicket, type OpenTicketInput } from './open-ticket.js';
import { rateTicket } from './rate-ticket.js';
import { releaseTicket } from './release-ticket.js';
import { setPriority } from './set-priority.js';
import { takeNextTicket } from './take-next-ticket.js';
import { takeTicket } from './take-ticket.js';
import type { TicketDeps, TicketEventListener, Via } from './ticket-deps.js';
import { transferTicket, type TransferInput } from './transfer-ticket.js';

export interface TicketServiceOptions {
  models: Models;
  clock: Clock;
  logger: Logger;
  timezone: string;
}

/**
 * The channel-agnostic ticket service: every adapter (REST, bots, e-mail, schedules)
 * changes tickets only through these functions, with the acting person.
 */
export function createTicketService(options: TicketServiceOptions) {
  const deps: TicketDeps = { ...options, listeners: new Set(), recent: new RecentTickets() };
  return {
    open: (actor: Actor, input: OpenTicketInput, via: Via) => openTicket(deps, actor, input, via),
    reply: (actor: Actor, number: number, input: CommentInput, via: Via) =>
      replyToTicket(deps, actor, number, input, via),
    note: (actor: Actor, number: number, input: CommentInput, via: Via) => addNote(deps, actor, number, input, via),
    /** The requester's comment is public, anyone else's an internal note. */
    comment: (actor: Actor, number: number, input: CommentInput, via: Via) => addComment(deps, actor, number, input, via),
    take: (actor: Actor, number: number, via: Via) => takeTicket(deps, actor, number, via),
    /** The oldest unassigned ticket of the actor's departments (or of one of them), taken; null when none waits. */
    takeNext: (actor: Actor, via: Via, department?: string) => takeNextTicket(deps, actor, via, department),
    release: (actor: Actor, number: number, via: Via, options?: { assigneeLeft?: boolean }) => releaseTicket(deps, actor, number, via, options),
    assign: (actor: Actor, number: number, assigneeId: Types.ObjectId, via: Via) =>
      assignTicket(deps, actor, number, assigneeId, via),
    transfer: (actor: Actor, number: number, input: TransferInput, via: Via) =>
      transferTicket(deps, actor, number, input, via),
    setPriority: (actor: Actor, number: number, priority: Priority, via: Via) =>
      setPriority(deps, actor, number, priority, via),
    changeStatus: (actor: Actor, number: number, command: StatusCommand, via: Via) =>
      changeStatus(deps, actor, number, command, via),
    rate: (actor: Actor, number: number, input: { score: number; comment?: string | null }, via: Via) =>
      rateTicket(deps, actor, number, input, via),
    get: (actor: Actor, number: number) => getTicket(deps, actor, number),
    getForForm: (actor: Actor, number: number) => getTicketForForm(deps, actor, number),
    /** Automatic changes, by the system actor (src/people/system-actor.ts). */
    recordSlaStep: (actor: Actor, number: number, target: SlaTargetName, kind: SlaStepKind) => recordSlaStep(deps, actor, number, target, kind),
    alertOnDuty: (actor: Actor, number: number) => alertOnDuty(deps, actor, number),
    tellStillWorking: (actor: Actor, number: number, quietSince: Date) => tellStillWorking(deps, actor, number, quietSince),
    closeAutomatically: (actor: Actor, number: number, resolvedBefore: Date, days: number) =>
      closeAutomatically(deps, actor, number, resolvedBefore, days),
    journal: (actor: Actor, number: number) => getJournal(deps, actor, number),
    list: (actor: Actor, filter: TicketFilter) => listTickets(deps, actor, filter),
    /** Subscribes to every journaled change; returns the unsubscribe function. */
    subscribe(listener: TicketEventListener): () => void {
      deps.listeners.add(listener);
      return () => deps.listeners.delete(listener);
    },
  };
}

export type TicketService = ReturnType<typeof createTicketService>;
