import type { Schedule } from '../../db/models/schedule.js';
import type { Actor } from '../../people/actor.js';
import { firstRunAt } from './next-run.js';
import { requireScheduleManager, scheduleNotFound, type ScheduleDeps } from './schedule-deps.js';

/** Resumes a paused schedule from now on: its next run is the next occurrence after now. */
export async function resumeSchedule(deps: ScheduleDeps, actor: Actor, key: string): Promise<Schedule> {
  requireScheduleManager(actor);
  const current = await deps.models.Schedule.findOne({ key, removed: false }).lean<Schedule>();
  if (!current) throw scheduleNotFound(key);
  if (!current.paused) return current;
  const resumed = await deps.models.Schedule.findOneAndUpdate(
    { _id: current._id, paused: true },
    { $set: { paused: false, nextRunAt: firstRunAt(current, deps.clock()) } },
    { returnDocument: 'after' },
  ).lean<Schedule>();
  // Resumed (or removed) by someone else meanwhile: show what it is now.
  return resumed ?? (await deps.models.Schedule.findById(current._id).lean<Schedule>()) ?? current;
}
