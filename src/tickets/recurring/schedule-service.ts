import type { Clock } from '../../clock.js';
import type { Models } from '../../db/models/index.js';
import type { ScheduleOrigin } from '../../db/models/schedule.js';
import type { Actor } from '../../people/actor.js';
import { addSchedule } from './add-schedule.js';
import { listSchedules } from './list-schedules.js';
import { pauseSchedule } from './pause-schedule.js';
import { removeSchedule } from './remove-schedule.js';
import { resumeSchedule } from './resume-schedule.js';
import type { ScheduleDeps } from './schedule-deps.js';

/**
 * Managing recurring tickets, for the REST API and both bots: list, add, pause, resume,
 * remove. Managers and admins only (MANAGER_ONLY otherwise). Running them is the recurring
 * job's (runDueSchedules); the config's schedules come in through syncSchedules.
 */
export function createScheduleService(options: { models: Models; clock: Clock }) {
  const deps: ScheduleDeps = { models: options.models, clock: options.clock };
  return {
    list: (actor: Actor, filter: { includeRemoved?: boolean } = {}) => listSchedules(deps, actor, filter),
    add: (actor: Actor, input: unknown, origin: Exclude<ScheduleOrigin, 'config'>) => addSchedule(deps, actor, input, origin),
    pause: (actor: Actor, key: string) => pauseSchedule(deps, actor, key),
    resume: (actor: Actor, key: string) => resumeSchedule(deps, actor, key),
    remove: (actor: Actor, key: string) => removeSchedule(deps, actor, key),
  };
}

export type ScheduleService = ReturnType<typeof createScheduleService>;
