import { hostname } from 'node:os';
import { MongoBackend } from '@agendajs/mongo-backend';
import { Agenda, InMemoryNotificationChannel } from 'agenda';
import type { Database } from '../db/connection.js';
import type { Logger } from '../logger.js';

/** Where Agenda keeps its jobs: in the helpdesk's own database. */
export const JOBS_COLLECTION = 'agendaJobs';

export interface SchedulerOptions {
  db: Database;
  logger: Logger;
  /** How often this instance looks for due jobs, including those other instances created. */
  processEveryMs?: number;
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
    backend: new MongoBackend({ mongo, collection: JOBS_COLLECTION }),
    notificationChannel: new InMemoryNotificationChannel(),
    name: `${hostname()}:${process.pid}`,
    processEvery: options.processEveryMs ?? 2000,
    maxConcurrency: 20,
    defaultConcurrency: 5,
    // A job whose runner died is taken over after this long.
    defaultLockLifetime: 10 * 60 * 1000,
    removeOnComplete: false,
  });
  scheduler.on('error', (error: unknown) => options.logger.error({ err: error }, 'job scheduler error'));
  return scheduler;
}
