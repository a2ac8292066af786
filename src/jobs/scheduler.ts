import { hostname } from 'node:os';
import { MongoBackend } from '@agendajs/mongo-backend';
import { Agenda, InMemoryNotificationChannel } from 'agenda';
import type { Database } from '../db/connection.js';
import type { Logger } from '../logger.js';

/** Where Agenda keeps its jobs: in the helpdesk's own database. */
export const JOBS_COLLECTION = 'agendaJobs';

/**
 * The Mongo backend without its job-event logger, which is off here but would still create an
 * `agenda_logs` collection and its indexes from Agenda's constructor, a promise nobody awaits
 * or catches (a shutdown at that moment was an unhandled rejection). With the index creation
 * also left to the outbox (outbox.ts), connecting does no I/O at all.
 */
class JobsOnlyMongoBackend extends MongoBackend {
  override async connect(): Promise<void> {
    await this.repository.connect();
  }
}

export interface SchedulerOptions {
  db: Database;
  logger: Logger;
  /** How often this instance looks for due jobs, including those other instances created. */
  processEveryMs?: number;
  /** How long a job's lock holds before another instance may take the job over (10 minutes). */
  lockLifetimeMs?: number;
}

/**
 * The Agenda instance that runs every background job (notification outbox, housekeeping,
 * later SLA and recurring tickets), stored in the app's database. It connects at once but
 * runs nothing until `start()`, which the composition root calls when every chat channel
 * is registered. Jobs saved by this process start at once; jobs of other instances and
 * retries are found by polling.
 */
export function createScheduler(options: SchedulerOptions): Agenda {
  const mongo = options.db.connection.db;
  if (!mongo) throw new Error('the database connection is not open');
  const scheduler = new Agenda({
    backend: new JobsOnlyMongoBackend({ mongo, collection: JOBS_COLLECTION, ensureIndex: false }),
    notificationChannel: new InMemoryNotificationChannel(),
    name: `${hostname()}:${process.pid}`,
    processEvery: options.processEveryMs ?? 2000,
    maxConcurrency: 20,
    defaultConcurrency: 5,
    // A job whose runner died is taken over after this long.
    defaultLockLifetime: options.lockLifetimeMs ?? 10 * 60 * 1000,
    removeOnComplete: false,
  });
  scheduler.on('error', (error: unknown) => options.logger.error({ err: error }, 'job scheduler error'));
  return scheduler;
}
