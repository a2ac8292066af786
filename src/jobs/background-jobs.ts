import type { Clock } from '../clock.js';
import type { Database } from '../db/connection.js';
import type { Logger } from '../logger.js';
import type { EventDelivery } from '../notify/deliver-event.js';
import { defaultDeliveryRetry, defineDeliverEventJob, type DeliveryRetryPolicy } from './deliver-event-job.js';
import { defineHousekeepingJob, HOUSEKEEPING_JOB } from './housekeeping-job.js';
import { createOutbox } from './outbox.js';
import { defineOutboxSweepJob, OUTBOX_SWEEP_JOB } from './outbox-sweep-job.js';
import { createScheduler } from './scheduler.js';

export interface BackgroundJobsOptions {
  db: Database;
  delivery: EventDelivery;
  logger: Logger;
  clock: Clock;
  processEveryMs?: number;
  deliveryRetry?: Partial<DeliveryRetryPolicy>;
}

/** How far back the start-up sweep looks for events whose delivery job was never stored. */
const SWEEP_WINDOW_MS = 7 * 24 * 3600 * 1000;
const DRAIN_TIMEOUT_MS = 15_000;

/**
 * Every background job, defined in one place: the notification outbox, its sweep, and housekeeping.
 * Jobs can be stored from the start (a change made while starting is not lost); they run
 * after `start()`.
 */
export function createBackgroundJobs(options: BackgroundJobsOptions) {
  const { db, delivery, logger, clock } = options;
  const scheduler = createScheduler({ db, logger, ...(options.processEveryMs ? { processEveryMs: options.processEveryMs } : {}) });
  const outbox = createOutbox(scheduler, db);
  defineDeliverEventJob(scheduler, delivery, logger, { ...defaultDeliveryRetry, ...options.deliveryRetry });
  defineHousekeepingJob(scheduler, { outbox, delivery, clock, logger });
  defineOutboxSweepJob(scheduler, { outbox, clock, logger });

  return {
    scheduler,
    outbox,
    /** Sweeps for events left without a delivery, schedules housekeeping, then runs jobs. */
    async start(): Promise<void> {
      await outbox.ensureIndexes();
      const missed = await outbox.enqueueMissed(new Date(clock().getTime() - SWEEP_WINDOW_MS));
      if (missed > 0) logger.warn({ missed }, 'deliveries of events journaled before an unclean stop were queued');
      await scheduler.every('6 hours', HOUSEKEEPING_JOB);
      await scheduler.every('5 minutes', OUTBOX_SWEEP_JOB);
      await scheduler.start();
      logger.info('background jobs started');
    },
    /** Lets running jobs finish (up to a limit); waiting ones stay stored for the next start. */
    async stop(): Promise<void> {
      const result = await scheduler.drain(DRAIN_TIMEOUT_MS);
      if (result.timedOut) logger.warn({ running: result.running }, 'jobs still running at shutdown: another instance or the next start takes them over');
    },
    /** Resolves when no delivery is waiting, retrying or running (tests, benchmarks). */
    async settle(timeoutMs = 15_000): Promise<void> {
      const until = Date.now() + timeoutMs;
      while ((await outbox.unfinished()) > 0) {
        if (Date.now() > until) throw new Error('deliveries did not settle in time');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
  };
}

export type BackgroundJobs = ReturnType<typeof createBackgroundJobs>;
