import type { Schedule } from '../../db/models/schedule.js';
import type { Actor } from '../../people/actor.js';
import { requireScheduleManager, scheduleNotFound, type ScheduleDeps } from './schedule-deps.js';

/**
 * Pauses a schedule: no run is opened until it is resumed, and none is made up then. Pausing a
 * paused schedule changes nothing. A config schedule stays paused over restarts until its
 * entry in the config changes.
 */
export async function pauseSchedule(deps: ScheduleDeps, actor: Actor, key: string): Promise<Schedule> {
  requireScheduleManager(actor);
  const paused = await deps.models.Schedule.findOneAndUpdate(
    { key, removed: false },
    { $set: { paused: true, nextRunAt: null } },
    { returnDocument: 'after' },
  ).lean<Schedule>();
  if (!paused) throw scheduleNotFound(key);
  return paused;
}
