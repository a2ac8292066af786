import type { Agenda } from 'agenda';
import type { Clock } from '../clock.js';
import type { Models } from '../db/models/index.js';
import type { Logger } from '../logger.js';
import type { RunTickets } from '../tickets/recurring/open-schedule-run.js';
import { runDueSchedules } from '../tickets/recurring/run-due-schedules.js';

export const RECURRING_TICKETS_JOB = 'recurring-tickets';
/** How often the job looks for due schedules: cron's own granularity. */
export const RECURRING_TICKETS_EVERY = '1 minute';
/**
 * A pass takes seconds. A stop that drains running jobs leaves a job this instance had locked
 * but not started locked until the lock expires: a short lifetime keeps that pause short.
 * A pass that outlives it and overlaps the next is harmless (the run claims decide).
 */
const LOCK_LIFETIME_MS = 3 * 60 * 1000;

export interface RecurringTicketsJobDeps {
  models: Models;
  tickets: RunTickets;
  clock: Clock;
  logger: Logger;
}

/**
 * Every minute: opens the tickets of the schedules that are due. Agenda only gives the beat;
 * what is due is decided by the injected clock, and which instance opens a run by the run
 * claims, so a doubled or retried job (Agenda is at least once) opens nothing twice.
 */
export function defineRecurringTicketsJob(scheduler: Agenda, deps: RecurringTicketsJobDeps): void {
  scheduler.define(RECURRING_TICKETS_JOB, async () => {
    const summary = await runDueSchedules(deps);
    if (summary.opened + summary.failed > 0) deps.logger.info({ summary }, 'recurring tickets: due runs handled');
  }, { concurrency: 1, lockLifetime: LOCK_LIFETIME_MS });
}
