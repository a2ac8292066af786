import { isDuplicateKey } from '../../db/duplicate-key.js';
import type { Schedule, ScheduleOrigin } from '../../db/models/schedule.js';
import { HelpdeskError } from '../../errors.js';
import type { Actor } from '../../people/actor.js';
import { firstRunAt } from './next-run.js';
import { requireScheduleManager, type ScheduleDeps } from './schedule-deps.js';
import { validateScheduleInput } from './schedule-input.js';

/**
 * Adds a schedule by command or API. Its first run is the next occurrence after now; an id
 * already used, even by a removed schedule, is refused (SCHEDULE_EXISTS), so a removed
 * schedule's record and the tickets that name it stay unambiguous.
 */
export async function addSchedule(deps: ScheduleDeps, actor: Actor, input: unknown, origin: Exclude<ScheduleOrigin, 'config'>): Promise<Schedule> {
  requireScheduleManager(actor);
  const valid = await validateScheduleInput(deps.models, input);
  if (await deps.models.Schedule.exists({ key: valid.key })) throw exists(valid.key);
  const now = deps.clock();
  try {
    const created = await deps.models.Schedule.create({
      ...valid,
      origin,
      removed: false,
      removedAt: null,
      nextRunAt: valid.paused ? null : firstRunAt(valid, now),
      lastRunAt: null,
      createdBy: actor.id,
      configHash: null,
    });
    return created.toObject();
  } catch (error) {
    // Two adds of one id at the same moment: the unique index lets one in.
    if (isDuplicateKey(error)) throw exists(valid.key);
    throw error;
  }
}

function exists(key: string): HelpdeskError {
  return new HelpdeskError('SCHEDULE_EXISTS', `schedule ${key} already exists`, { id: key });
}
