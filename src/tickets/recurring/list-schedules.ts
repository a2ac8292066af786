import type { Schedule } from '../../db/models/schedule.js';
import type { Actor } from '../../people/actor.js';
import { requireScheduleManager, type ScheduleDeps } from './schedule-deps.js';

/** The schedules by id; removed ones only when asked for. */
export async function listSchedules(deps: ScheduleDeps, actor: Actor, options: { includeRemoved?: boolean } = {}): Promise<Schedule[]> {
  requireScheduleManager(actor);
  const filter = options.includeRemoved ? {} : { removed: false };
  return deps.models.Schedule.find(filter).sort({ key: 1 }).lean<Schedule[]>();
}
