import type { Models } from '../../db/models/index.js';
import type { Schedule } from '../../db/models/schedule.js';
import type { Ticket } from '../../db/models/ticket.js';
import { isHelpdeskError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { actorFromPerson, type Actor } from '../../people/actor.js';
import { systemActor } from '../../people/system-actor.js';
import type { TicketService } from '../ticket-service.js';
import { scheduleRunId } from './run-claims.js';

/** The ticket functions a run uses. */
export type RunTickets = Pick<TicketService, 'open' | 'assign'>;

export interface OpenRunDeps {
  models: Models;
  tickets: RunTickets;
  logger: Logger;
}

/**
 * Opens the ticket of one run through the ticket service (so it is journaled and delivered
 * like any other), with source `schedule` and the run's id on it; then assigns it when the
 * template names an assignee. A ticket an earlier, interrupted attempt already opened for this
 * run is found by that id and not opened again. The requester is the template's person, else
 * (or when that person is gone) the helpdesk itself; a refused assignment leaves the ticket in
 * the department's queue and says so in the log.
 */
export async function openScheduleRun(deps: OpenRunDeps, schedule: Schedule, runAt: Date): Promise<Ticket> {
  const { models, tickets, logger } = deps;
  const { template } = schedule;
  const run = scheduleRunId(schedule.key, runAt);
  const system = await systemActor(models);
  let ticket = await models.Ticket.findOne({ scheduleRun: run }).lean<Ticket>();
  if (ticket) logger.warn({ schedule: schedule.key, run, ticket: ticket.number }, 'schedule run: the ticket was opened by an interrupted attempt; not opened again');
  ticket ??= await tickets.open(
    await requesterOf(models, schedule, system, logger),
    {
      title: template.title,
      description: template.description,
      department: template.department,
      category: template.category,
      priority: template.priority,
      source: 'schedule',
      scheduleRun: run,
    },
    'schedule',
  );
  if (template.assignee && !ticket.assigneeId && ticket.status === 'new') {
    const assignee = await models.Person.findOne({ email: template.assignee, active: true }).lean();
    if (!assignee) {
      logger.warn({ schedule: schedule.key, assignee: template.assignee }, 'schedule run: the assignee is not an active person; the ticket waits in the queue');
      return ticket;
    }
    try {
      ticket = (await tickets.assign(system, ticket.number, assignee._id, 'schedule')).ticket;
    } catch (error) {
      if (!isHelpdeskError(error)) throw error;
      logger.warn({ schedule: schedule.key, assignee: template.assignee, code: error.code, reason: error.message }, 'schedule run: assignment refused; the ticket waits in the queue');
    }
  }
  return ticket;
}

async function requesterOf(models: Models, schedule: Schedule, system: Actor, logger: Logger): Promise<Actor> {
  const email = schedule.template.requester;
  if (!email) return system;
  const person = await models.Person.findOne({ email, active: true }).lean();
  if (person) return actorFromPerson(person);
  logger.warn({ schedule: schedule.key, requester: email }, 'schedule run: the requester is not an active person; opened by the helpdesk');
  return system;
}
