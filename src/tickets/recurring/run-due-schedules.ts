import type { Clock } from '../../clock.js';
import { trusted } from '../../db/connection.js';
import type { Schedule } from '../../db/models/schedule.js';
import { isHelpdeskError } from '../../errors.js';
import { nextRunAfter } from './next-run.js';
import { openScheduleRun, type OpenRunDeps } from './open-schedule-run.js';
import { claimRun, releaseRun, RUN_LEASE_MS, settleRun } from './run-claims.js';

export interface RunDueDeps extends OpenRunDeps {
  clock: Clock;
  leaseMs?: number;
}

export interface RunDueSummary {
  /** Runs this pass opened a ticket for. */
  opened: number;
  /** Runs that could not open their ticket (department gone...): recorded and skipped. */
  failed: number;
  /** Runs another instance is opening right now. */
  busy: number;
  /** Runs another pass had finished; only the schedule's next run was brought forward. */
  done: number;
}

/** Due schedules handled per pass; more wait for the next one, a minute later. */
const BATCH = 100;

/**
 * One pass of the recurring job: every live schedule whose next run is due (by the injected
 * clock) gets that run's ticket, exactly once however many instances pass at the same time,
 * then its next run, counted from the planned time. A run missed while the app was down is
 * the one still planned, so it is made up once, and the next run skips past now.
 * Any number of passes may overlap; a pass that dies half-way is finished by a later one.
 */
export async function runDueSchedules(deps: RunDueDeps): Promise<RunDueSummary> {
  const { models, logger } = deps;
  const now = deps.clock();
  const summary: RunDueSummary = { opened: 0, failed: 0, busy: 0, done: 0 };
  const due = await models.Schedule.find({ removed: false, paused: false, nextRunAt: trusted({ $lte: now }) })
    .sort({ nextRunAt: 1 })
    .limit(BATCH)
    .lean<Schedule[]>();
  for (const schedule of due) {
    try {
      summary[await runOnce(deps, schedule, now)] += 1;
    } catch (error) {
      logger.error({ err: error, schedule: schedule.key }, 'schedule run failed; tried again at the next pass');
    }
  }
  return summary;
}

async function runOnce(deps: RunDueDeps, schedule: Schedule, now: Date): Promise<keyof RunDueSummary> {
  const { models, logger } = deps;
  const runAt = schedule.nextRunAt!;
  const claim = await claimRun(models, schedule.key, runAt, now, deps.leaseMs ?? RUN_LEASE_MS);
  if (claim === 'busy') return 'busy';
  let outcome: keyof RunDueSummary = 'done';
  if (claim === 'claimed') {
    try {
      const ticket = await openScheduleRun(deps, schedule, runAt);
      await settleRun(models, schedule.key, runAt, { ticketNumber: ticket.number });
      logger.info({ schedule: schedule.key, runAt, ticket: ticket.number }, 'schedule run opened a ticket');
      outcome = 'opened';
    } catch (error) {
      if (!isHelpdeskError(error)) {
        await releaseRun(models, schedule.key, runAt, now, error instanceof Error ? error.message : String(error));
        throw error;
      }
      // Refused by the ticket service (its department was closed, say): retrying would not help.
      const reason = [error.message, ...error.fields.map((field) => `${field.path}: ${field.message}`)].join('; ');
      await settleRun(models, schedule.key, runAt, { error: reason });
      logger.error({ schedule: schedule.key, runAt, code: error.code, reason }, 'schedule run refused; this run is skipped');
      outcome = 'failed';
    }
  }
  // Only if nothing moved it meanwhile (a pause, a config change, another pass).
  await models.Schedule.updateOne(
    { _id: schedule._id, nextRunAt: runAt },
    { $set: { nextRunAt: nextRunAfter(schedule, runAt, now), lastRunAt: runAt } },
  );
  return outcome;
}
