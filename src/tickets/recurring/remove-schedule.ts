import type { Schedule } from '../../db/models/schedule.js';
import type { Actor } from '../../people/actor.js';
import { requireScheduleManager, scheduleNotFound, type ScheduleDeps } from './schedule-deps.js';

/**
 * Removes a schedule: it opens nothing more and leaves the lists, but its record is kept
 * (marked removed), like everything else in the helpdesk. A config schedule removed this way
 * stays removed until its entry in the config changes.
 */
export async function removeSchedule(deps: ScheduleDeps, actor: Actor, key: string): Promise<Schedule> {
  requireScheduleManager(actor);
  const removed = await deps.models.Schedule.findOneAndUpdate(
    { key, removed: false },
    { $set: { removed: true, removedAt: deps.clock(), nextRunAt: null } },
    { returnDocument: 'after' },
  ).lean<Schedule>();
  if (!removed) throw scheduleNotFound(key);
  return removed;
}
