import type { Clock } from '../clock.js';
import type { ScheduledReportConfig } from '../config/org-schema.js';
import type { Database } from '../db/connection.js';
import type { I18n } from '../i18n/translate.js';
import type { Logger } from '../logger.js';
import { ChannelRegistry } from '../notify/channel.js';
import type { EventDelivery } from '../notify/deliver-event.js';
import type { ReportMail } from '../reports/scheduled/send-scheduled-reports.js';
import type { TicketService } from '../tickets/ticket-service.js';
import type { DeliveryRetryPolicy } from './outbox/dispatcher.js';
import { defineDirectorySyncJob, DIRECTORY_SYNC_JOB, type DirectorySyncJobDeps } from './directory-sync-job.js';
import { defineHousekeepingJob, HOUSEKEEPING_JOB } from './housekeeping-job.js';
import { createOutbox } from './outbox/outbox.js';
import { defineOutboxSweepJob, OUTBOX_SWEEP_JOB } from './outbox-sweep-job.js';
import { createScheduler, JOBS_COLLECTION } from './scheduler.js';
import { AUTO_CLOSE_JOB, DAILY_DIGEST_JOB, defineHousekeepingSteps, STILL_WORKING_JOB } from './housekeeping-steps.js';
import { createSlaWatcher, defineSlaJobs, SLA_SWEEP_JOB } from './sla-steps-job.js';
import { defineRecurringTicketsJob, RECURRING_TICKETS_EVERY, RECURRING_TICKETS_JOB } from './recurring-tickets-job.js';
import { defineScheduledReportsJob, SCHEDULED_REPORTS_EVERY, SCHEDULED_REPORTS_JOB } from './scheduled-reports-job.js';

export interface BackgroundJobsOptions {
  db: Database;
  delivery: EventDelivery;
  logger: Logger;
  clock: Clock;
  processEveryMs?: number;
  /** Tests that move the clock by days keep locks from looking expired across the jump. */
  lockLifetimeMs?: number;
  /** How long an instance holds its deliveries before another may take them over (30 s). */
  deliveryLeaseMs?: number;
  deliveryRetry?: Partial<DeliveryRetryPolicy>;
  /**
   * With the ticket service, the jobs that change tickets run too: SLA steps, on-duty
   * alerts, auto-close, "still working" updates and digests (the chats and their language).
   */
  tickets?: TicketService;
  channels?: ChannelRegistry;
  locale?: string;
  /** With the ticket service, the scheduled report to managers and coordinators (org config `reports.scheduled`). */
  reports?: ScheduledReportsOptions;
  /** The scheduled directory sync, when the org config has `directory.ldap` and an interval. */
  directory?: DirectorySyncJobDeps & { everyMinutes: number };
}

export interface ScheduledReportsOptions {
  /** `reports.scheduled` of the org config; null sends none. */
  scheduled: ScheduledReportConfig | null;
  /** The org's time zone. */
  timezone: string;
  i18n: I18n;
  /** E-mail, when SMTP is configured. */
  mail: ReportMail | null;
}

/** Agenda's index for finding the next job, and the SLA watcher's for a ticket's job. */
async function ensureJobIndexes(db: Database): Promise<void> {
  const jobs = db.connection.collection(JOBS_COLLECTION);
  await jobs.createIndex({ name: 1, priority: -1, lockedAt: 1, nextRunAt: 1, disabled: 1 }, { name: 'findAndLockNextJobIndex' });
  await jobs.createIndex({ name: 1, 'data.ticketId': 1 }, { name: 'jobs_ticket' });
  await jobs.createIndex({ name: 1, lastFinishedAt: 1 }, { name: 'jobs_finished' });
  await jobs.createIndex({ 'data.eventId': 1 }, { name: 'outbox_event' });
}

/** How far back the start-up sweep looks for events whose delivery job was never stored. */
const SWEEP_WINDOW_MS = 7 * 24 * 3600 * 1000;
const DRAIN_TIMEOUT_MS = 15_000;

/**
 * Every background job, defined in one place: the notification outbox (a collection and
 * dispatcher of its own, see outbox/), and on Agenda the scheduled work: the outbox's sweep,
 * SLA steps, recurring tickets, housekeeping, digests and reports.
 * Deliveries can be stored from the start (a change made while starting is not lost); they
 * run after `start()`.
 */
export function createBackgroundJobs(options: BackgroundJobsOptions) {
  const { db, delivery, logger, clock } = options;
  const scheduler = createScheduler({
    db,
    logger,
    ...(options.processEveryMs ? { processEveryMs: options.processEveryMs } : {}),
    ...(options.lockLifetimeMs ? { lockLifetimeMs: options.lockLifetimeMs } : {}),
  });
  const outbox = createOutbox({
    db,
    delivery,
    logger,
    ...(options.deliveryRetry ? { retry: options.deliveryRetry } : {}),
    ...(options.deliveryLeaseMs ? { leaseMs: options.deliveryLeaseMs } : {}),
    ...(options.processEveryMs ? { pollMs: options.processEveryMs } : {}),
  });
  defineHousekeepingJob(scheduler, { db, outbox, delivery, clock, logger });
  defineOutboxSweepJob(scheduler, { outbox, clock, logger });
  const { tickets } = options;
  if (tickets) {
    defineSlaJobs(scheduler, { models: db.models, tickets, clock, logger });
    defineRecurringTicketsJob(scheduler, { models: db.models, tickets, clock, logger });
    defineHousekeepingSteps(scheduler, { models: db.models, tickets, channels: options.channels ?? new ChannelRegistry(), clock, logger, locale: options.locale ?? 'en' });
    if (options.reports) {
      const { scheduled, timezone, i18n, mail } = options.reports;
      defineScheduledReportsJob(scheduler, { models: db.models, channels: options.channels ?? new ChannelRegistry(), i18n, clock, logger, settings: scheduled, timezone, locale: options.locale ?? i18n.defaultLocale, mail });
    }
    if (options.directory) defineDirectorySyncJob(scheduler, options.directory);
    const watch = createSlaWatcher(scheduler, db.connection.collection(JOBS_COLLECTION));
    // Every change may move the ticket's next SLA step: its job follows (a lost write is caught by the sweep).
    tickets.subscribe((event, ticket) => watch(ticket, event.change.set.map((change) => change.path), event.type === 'opened'));
  }

  const running = new Set<string>();
  scheduler.on('start', (job: { attrs: { _id?: unknown } }) => running.add(String(job.attrs._id)));
  scheduler.on('complete', (job: { attrs: { _id?: unknown } }) => running.delete(String(job.attrs._id)));

  return {
    scheduler,
    outbox,
    /** Sweeps for events left without a delivery, schedules housekeeping, then runs jobs. */
    async start(): Promise<void> {
      await ensureJobIndexes(db);
      const missed = await outbox.enqueueMissed(new Date(clock().getTime() - SWEEP_WINDOW_MS));
      if (missed > 0) logger.warn({ missed }, 'deliveries of events journaled before an unclean stop were queued');
      await scheduler.every('6 hours', HOUSEKEEPING_JOB);
      await scheduler.every('5 minutes', OUTBOX_SWEEP_JOB);
      if (tickets) {
        await scheduler.every('2 minutes', SLA_SWEEP_JOB);
        await scheduler.every(RECURRING_TICKETS_EVERY, RECURRING_TICKETS_JOB);
        await scheduler.every('1 hour', AUTO_CLOSE_JOB);
        await scheduler.every('15 minutes', STILL_WORKING_JOB);
        await scheduler.every('10 minutes', DAILY_DIGEST_JOB);
        if (options.reports) await scheduler.every(SCHEDULED_REPORTS_EVERY, SCHEDULED_REPORTS_JOB);
        if (options.directory) await scheduler.every(`${options.directory.everyMinutes} minutes`, DIRECTORY_SYNC_JOB);
      }
      await scheduler.start();
      await outbox.start();
      logger.info('background jobs started');
    },
    /** Lets running jobs finish (up to a limit); waiting ones stay stored for the next start. */
    async stop(): Promise<void> {
      await outbox.stop();
      // Agenda's stop hands back the jobs this instance locked but has not started (another
      // instance takes them at once) and keeps the locks of running ones; those may finish.
      await scheduler.stop(false);
      const until = Date.now() + DRAIN_TIMEOUT_MS;
      while (running.size > 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
      if (running.size > 0) logger.warn({ running: running.size }, 'jobs still running at shutdown: their locks expire and another instance or the next start takes them over');
    },
    /** Resolves when no delivery is waiting, retrying or running (tests, benchmarks). */
    settle: (timeoutMs = 15_000): Promise<void> => outbox.settle(timeoutMs),
  };
}

export type BackgroundJobs = ReturnType<typeof createBackgroundJobs>;
