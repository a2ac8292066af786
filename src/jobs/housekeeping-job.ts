import type { Agenda } from 'agenda';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { EventDelivery } from '../notify/deliver-event.js';
import type { Outbox } from './outbox.js';

export const HOUSEKEEPING_JOB = 'housekeeping';
const RETENTION_MS = 30 * 24 * 3600 * 1000;

/**
 * Forgets finished delivery jobs and delivery records after a month. They only guard
 * retries and the start-up sweep, which looks back a week; tickets and their journal are
 * never touched.
 */
export function defineHousekeepingJob(scheduler: Agenda, deps: { outbox: Outbox; delivery: EventDelivery; clock: Clock; logger: Logger }): void {
  scheduler.define(HOUSEKEEPING_JOB, async () => {
    const before = new Date(deps.clock().getTime() - RETENTION_MS);
    const jobs = await deps.outbox.pruneFinished(before);
    const deliveries = await deps.delivery.pruneBefore(before);
    deps.logger.info({ jobs, deliveries }, 'housekeeping: old delivery records pruned');
  });
}
