import type { Agenda } from 'agenda';
import type { Collection } from 'mongodb';
import { Types } from 'mongoose';
import type { Clock } from '../clock.js';
import { trusted } from '../db/connection.js';
import type { Models } from '../db/models/index.js';
import type { Ticket } from '../db/models/ticket.js';
import { HelpdeskError } from '../errors.js';
import type { Logger } from '../logger.js';
import { systemActor } from '../people/system-actor.js';
import { calendarOf, pendingSlaSteps, type SlaSettings } from '../sla/sla-due-dates.js';
import { isWorkingTime } from '../sla/business-calendar.js';
import { slaSettingsOf, slaStepInputOf } from '../tickets/ticket-sla.js';
import type { TicketService } from '../tickets/ticket-service.js';

export const SLA_STEP_JOB = 'sla-step';
export const SLA_SWEEP_JOB = 'sla-sweep';

export interface SlaStepPayload {
  ticketId: string;
}

export interface SlaJobDeps {
  models: Models;
  tickets: TicketService;
  clock: Clock;
  logger: Logger;
}

/** A step found done by a concurrent runner: not an error, nothing to do. */
function alreadyDone(error: unknown): boolean {
  return error instanceof HelpdeskError && error.code === 'ALREADY_IN_STATE';
}

/**
 * Runs what is due of one ticket's SLA: the on-duty alert of an urgent ticket that arrived
 * outside working hours, then every escalation step whose time has come, in order (each
 * journaled once by the ticket service). Returns the ticket's next step time afterwards.
 */
export async function runDueSlaSteps(deps: SlaJobDeps, ticketId: Types.ObjectId): Promise<Date | null> {
  const { models, tickets, clock } = deps;
  const actor = await systemActor(models);
  let ticket = await models.Ticket.findById(ticketId).lean<Ticket>();
  if (!ticket) return null;
  const settings = await slaSettingsOf(models, ticket.department);
  if (owesOnDutyAlert(ticket, settings)) await tickets.alertOnDuty(actor, ticket.number).catch(ignoreDone);
  const now = clock();
  const steps = pendingSlaSteps(settings, slaStepInputOf(ticket));
  for (const step of steps) {
    if (step.at > now) break;
    // A reminder whose target is already past gives way to the breach.
    if (step.kind === 'reminder' && steps.some((other) => other.target === step.target && other.kind === 'breach' && other.at <= now)) continue;
    await tickets.recordSlaStep(actor, ticket.number, step.target, step.kind).catch(ignoreDone);
  }
  ticket = await models.Ticket.findById(ticketId).lean<Ticket>();
  return ticket?.sla.nextStepAt ?? null;
}

function ignoreDone(error: unknown): void {
  if (!alreadyDone(error)) throw error;
}

/** An urgent, open ticket that arrived outside its department's hours, whose on-duty people were not alerted yet. */
export function owesOnDutyAlert(ticket: Ticket, settings: (SlaSettings & { onDuty?: string[] }) | undefined): boolean {
  if (ticket.priority !== 'urgent' || ticket.onDutyAlertedAt || ticket.status === 'resolved' || ticket.status === 'closed') return false;
  if (!settings?.onDuty?.length || !settings.hours || settings.hours === 'always') return false;
  return !isWorkingTime(ticket.createdAt, calendarOf(settings));
}

/**
 * The SLA jobs: one per ticket, scheduled for its next step (rescheduled by the watcher when
 * the ticket changes); and a sweep that runs whatever is overdue (a step whose job was lost,
 * an on-duty alert owed), so no step depends on one job write.
 */
export function defineSlaJobs(scheduler: Agenda, deps: SlaJobDeps): void {
  scheduler.define<SlaStepPayload>(
    SLA_STEP_JOB,
    async (job) => {
      const next = await runDueSlaSteps(deps, new Types.ObjectId(job.attrs.data.ticketId));
      // Agenda saves the job after the handler: this is how the job follows the ticket's next step.
      job.attrs.nextRunAt = next;
    },
    { concurrency: 5 },
  );
  scheduler.define(SLA_SWEEP_JOB, async () => {
    const now = deps.clock();
    const overdue = await deps.models.Ticket.find({ 'sla.nextStepAt': trusted({ $lte: new Date(now.getTime() - 60_000) }) })
      .select({ _id: 1 })
      .limit(500)
      .lean();
    const recentUrgent = await deps.models.Ticket.find({
      priority: 'urgent',
      onDutyAlertedAt: null,
      createdAt: trusted({ $gte: new Date(now.getTime() - 3600_000) }),
    })
      .select({ _id: 1 })
      .lean();
    const ids = new Map([...overdue, ...recentUrgent].map((ticket) => [ticket._id.toHexString(), ticket._id]));
    for (const id of ids.values()) {
      await runDueSlaSteps(deps, id).catch((error: unknown) => deps.logger.error({ err: error, ticketId: id.toHexString() }, 'SLA sweep: a ticket failed'));
    }
    if (overdue.length) deps.logger.warn({ tickets: overdue.length }, 'SLA sweep: steps of tickets without a punctual job were run');
  });
}

/**
 * Keeps each ticket's SLA job at its next step: called after every journaled change. A
 * change that moves the step (taken, answered, re-prioritized, paused, resolved) moves or
 * cancels the job; an urgent ticket opened outside hours gets its job at once (on-duty alert).
 */
export function createSlaWatcher(scheduler: Agenda, jobs: Collection) {
  return async (ticket: Ticket, changedPaths: string[], opened: boolean): Promise<void> => {
    const urgentNow = ticket.priority === 'urgent' && (opened || changedPaths.includes('priority'));
    if (!opened && !urgentNow && !changedPaths.includes('sla.nextStepAt')) return;
    const id = ticket._id.toHexString();
    const at = urgentNow ? new Date() : ticket.sla.nextStepAt;
    if (!at && opened) return; // no target, no job
    if (!at) {
      // Unscheduled rather than removed: the job may be running right now (its own step), and
      // Agenda saves a running job when it ends; the handler then stores the fresh next step.
      await jobs.updateMany({ name: SLA_STEP_JOB, 'data.ticketId': id }, { $set: { nextRunAt: null } });
      return;
    }
    const job = scheduler.create<SlaStepPayload>(SLA_STEP_JOB, { ticketId: id });
    job.unique({ 'data.ticketId': id });
    job.schedule(at);
    await job.save();
  };
}
