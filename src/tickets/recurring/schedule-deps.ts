import type { Clock } from '../../clock.js';
import type { Models } from '../../db/models/index.js';
import { HelpdeskError } from '../../errors.js';
import type { Actor } from '../../people/actor.js';
import { hasRole } from '../../people/policy.js';

/** What the schedule use cases need; built once by `createScheduleService`. */
export interface ScheduleDeps {
  models: Models;
  clock: Clock;
}

/** Schedules open tickets in any department on their own: managing them is for managers and admins. */
export function requireScheduleManager(actor: Actor): void {
  if (!hasRole(actor, 'manager')) throw new HelpdeskError('MANAGER_ONLY', 'only managers and administrators manage schedules');
}

/** The schedule `key` was not found among the live (not removed) ones. */
export function scheduleNotFound(key: string): HelpdeskError {
  return new HelpdeskError('NOT_FOUND', `no schedule ${key}`, { id: key });
}
