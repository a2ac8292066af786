import type { Agenda } from 'agenda';
import type { Clock } from '../clock.js';
import type { Database } from '../db/connection.js';
import type { Logger } from '../logger.js';
import type { EventDelivery } from '../notify/deliver-event.js';
import { LEGACY_DELIVERY_JOB } from './outbox/legacy-jobs.js';
import type { Outbox } from './outbox/outbox.js';
import { JOBS_COLLECTION } from './scheduler.js';
import { SLA_STEP_JOB } from './sla-steps-job.js';

export const HOUSEKEEPING_JOB = 'housekeeping';
const RETENTION_MS = 30 * 24 * 3600 * 1000;

/**
 * Forgets delivered outbox entries, finished SLA jobs and delivery records after a month.
 * They only guard retries and the start-up sweep, which looks back a week; tickets and their
 * journal are never touched.
 */
export function defineHousekeepingJob(scheduler: Agenda, deps: { db: Database; outbox: Outbox; delivery: EventDelivery; clock: Clock; logger: Logger }): void {
  scheduler.define(HOUSEKEEPING_JOB, async () => {
    const before = new Date(deps.clock().getTime() - RETENTION_MS);
    const entries = await deps.outbox.pruneFinished(before);
    const finishedJobs = await deps.db.connection
      .collection(JOBS_COLLECTION)
      .deleteMany({ name: { $in: [LEGACY_DELIVERY_JOB, SLA_STEP_JOB] }, nextRunAt: null, lockedAt: null, lastFinishedAt: { $lt: before } });
    const deliveries = await deps.delivery.pruneBefore(before);
    deps.logger.info({ entries, jobs: finishedJobs.deletedCount, deliveries }, 'housekeeping: old delivery records pruned');
  });
}
