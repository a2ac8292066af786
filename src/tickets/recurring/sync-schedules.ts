import { createHash } from 'node:crypto';
import type { Clock } from '../../clock.js';
import type { ScheduleConfig } from '../../config/org-schema.js';
import { trusted } from '../../db/connection.js';
import { isDuplicateKey } from '../../db/duplicate-key.js';
import type { Models } from '../../db/models/index.js';
import type { Schedule } from '../../db/models/schedule.js';
import type { Logger } from '../../logger.js';
import { firstRunAt, type ScheduleTiming } from './next-run.js';

export interface ScheduleSyncCounts {
  created: number;
  updated: number;
  removed: number;
  unchanged: number;
}

export interface SyncSchedulesOptions {
  clock: Clock;
  /** The org's time zone, for schedules whose department has none. */
  timezone: string;
  logger?: Logger;
}

const sameTiming = (a: ScheduleTiming, b: ScheduleTiming) => a.cron === b.cron && a.everyMinutes === b.everyMinutes && a.timezone === b.timezone;

/**
 * Inserts a new schedule (with every default) or updates the stored one; true when inserted.
 * Not an upsert: FerretDB drops null values from $setOnInsert. Another instance syncing the
 * same config at the same moment makes the insert a duplicate, which becomes the update.
 */
async function write(models: Models, current: Schedule | undefined, set: Partial<Schedule> & { key: string }): Promise<boolean> {
  if (!current) {
    try {
      await models.Schedule.create(set);
      return true;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }
  await models.Schedule.updateOne({ key: set.key }, { $set: set });
  return false;
}

/**
 * Writes the config's schedules into the database, by id. An unchanged entry costs no write,
 * so a pause, resume or removal done by command survives restarts for as long as the entry
 * stays as it is; a changed entry is applied as the config says. A new or re-timed schedule
 * runs first at its next occurrence after now; an entry gone from the config marks its
 * schedule removed (kept, never deleted), and putting it back brings it back. Schedules added
 * by command or API are left alone, unless the config takes their id over.
 * Departments are synced first (syncOrgConfig): a schedule without a time zone of its own
 * takes its department's.
 */
export async function syncSchedules(models: Models, schedules: ScheduleConfig[], options: SyncSchedulesOptions): Promise<ScheduleSyncCounts> {
  const counts: ScheduleSyncCounts = { created: 0, updated: 0, removed: 0, unchanged: 0 };
  const now = options.clock();
  const keys = schedules.map((schedule) => schedule.id);
  const zones = new Map(
    (await models.Department.find({ key: trusted({ $in: schedules.map((s) => s.ticket.department) }) }).lean()).map((d) => [
      d.key,
      (d.settings as { timezone?: string } | undefined)?.timezone,
    ]),
  );
  const existing = new Map((await models.Schedule.find({ key: trusted({ $in: keys }) }).lean<Schedule[]>()).map((s) => [s.key, s]));
  for (const schedule of schedules) {
    const { ticket } = schedule;
    const fields = {
      key: schedule.id,
      cron: schedule.cron ?? null,
      everyMinutes: schedule.every ?? null,
      timezone: schedule.timezone ?? zones.get(ticket.department) ?? options.timezone,
      paused: schedule.paused,
      template: {
        department: ticket.department,
        category: ticket.category ?? null,
        title: ticket.title,
        description: ticket.description,
        priority: ticket.priority,
        assignee: ticket.assignee ?? null,
        requester: ticket.requester ?? null,
      },
    };
    const configHash = createHash('sha256').update(JSON.stringify(fields)).digest('hex');
    const current = existing.get(schedule.id);
    if (current?.configHash === configHash) {
      counts.unchanged += 1;
      continue;
    }
    if (current && current.origin !== 'config') {
      options.logger?.warn({ schedule: schedule.id, origin: current.origin }, 'a schedule added by command or API has the id of a config schedule: the config takes it over');
    }
    const keepNextRun = current && !current.removed && !current.paused && current.nextRunAt && sameTiming(current, fields);
    const nextRunAt = fields.paused ? null : keepNextRun ? current.nextRunAt : firstRunAt(fields, now);
    const set = { ...fields, origin: 'config' as const, removed: false, removedAt: null, nextRunAt, configHash };
    counts[(await write(models, current, set)) ? 'created' : 'updated'] += 1;
  }
  const gone = { origin: 'config' as const, key: trusted({ $nin: keys }), configHash: trusted({ $ne: null }) };
  const removed = await models.Schedule.updateMany({ ...gone, removed: false }, { $set: { removed: true, removedAt: now, nextRunAt: null, configHash: null } });
  counts.removed = removed.modifiedCount;
  // Removed by command, then dropped from the config: re-adding the entry later brings it back.
  await models.Schedule.updateMany(gone, { $set: { configHash: null } });
  options.logger?.debug({ counts }, 'schedules synced');
  return counts;
}
