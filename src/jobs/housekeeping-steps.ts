import type { Agenda } from 'agenda';
import type { Clock } from '../clock.js';
import { trusted } from '../db/connection.js';
import type { DepartmentDoc } from '../db/models/department.js';
import type { Models } from '../db/models/index.js';
import type { TicketStatus } from '../db/models/ticket.js';
import { HelpdeskError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ChannelRegistry } from '../notify/channel.js';
import { postDepartmentDigest } from '../notify/department-digest.js';
import { systemActor } from '../people/system-actor.js';
import { isWorkingDay, localDateAndMinute } from '../sla/business-calendar.js';
import { calendarOf, type SlaSettings } from '../sla/sla-due-dates.js';
import type { TicketService } from '../tickets/ticket-service.js';

export const AUTO_CLOSE_JOB = 'auto-close';
export const STILL_WORKING_JOB = 'still-working';
export const DAILY_DIGEST_JOB = 'daily-digest';

const DAY_MS = 24 * 3600_000;
const BATCH = 200;

interface DepartmentHousekeeping extends SlaSettings {
  autoCloseDays?: number;
  stillWorkingAfter?: number | null;
  digestAt?: string | null;
}

export interface HousekeepingStepDeps {
  models: Models;
  tickets: TicketService;
  channels: ChannelRegistry;
  clock: Clock;
  logger: Logger;
  locale: string;
}

type HousekeptDepartment = Omit<DepartmentDoc, 'settings'> & { settings: DepartmentHousekeeping };

async function activeDepartments(models: Models): Promise<HousekeptDepartment[]> {
  return models.Department.find({ active: true }).lean<HousekeptDepartment[]>();
}

/** Runs an automatic change, counting it; a ticket that changed meanwhile is simply skipped. */
async function attempt(change: () => Promise<unknown>): Promise<number> {
  try {
    await change();
    return 1;
  } catch (error) {
    if (error instanceof HelpdeskError && (error.code === 'ALREADY_IN_STATE' || error.code === 'INVALID_TRANSITION')) return 0;
    throw error;
  }
}

/**
 * The queue's housekeeping, each an idempotent job: resolved tickets the requester left
 * unanswered close after the department's N days; requesters waiting long on the team hear
 * that it is still being worked on; each department's chats get a daily digest.
 */
export function defineHousekeepingSteps(scheduler: Agenda, deps: HousekeepingStepDeps): void {
  const { models, tickets, clock, logger } = deps;

  scheduler.define(AUTO_CLOSE_JOB, async () => {
    const actor = await systemActor(models);
    let closed = 0;
    for (const department of await activeDepartments(models)) {
      const days = department.settings.autoCloseDays ?? 0;
      if (days <= 0) continue;
      const before = new Date(clock().getTime() - days * DAY_MS);
      const due = await models.Ticket.find({ department: department.key, status: 'resolved', 'metrics.resolvedAt': trusted({ $lte: before }) })
        .select({ number: 1 })
        .limit(BATCH)
        .lean();
      for (const ticket of due) closed += await attempt(() => tickets.closeAutomatically(actor, ticket.number, before, days));
    }
    if (closed) logger.info({ closed }, 'resolved tickets closed automatically');
  });

  scheduler.define(STILL_WORKING_JOB, async () => {
    const actor = await systemActor(models);
    let told = 0;
    for (const department of await activeDepartments(models)) {
      const after = department.settings.stillWorkingAfter;
      if (!after) continue;
      const quietSince = new Date(clock().getTime() - after * 60_000);
      const waiting = await models.Ticket.find({
        department: department.key,
        status: trusted({ $in: ['new', 'in_progress'] as TicketStatus[] }),
        lastTeamUpdateAt: trusted({ $lte: quietSince }),
      })
        .select({ number: 1 })
        .limit(BATCH)
        .lean();
      for (const ticket of waiting) told += await attempt(() => tickets.tellStillWorking(actor, ticket.number, quietSince));
    }
    if (told) logger.info({ told }, 'requesters told their tickets are still being worked on');
  });

  scheduler.define(DAILY_DIGEST_JOB, async () => {
    for (const department of await activeDepartments(models)) {
      const at = department.settings.digestAt;
      if (!at) continue;
      const calendar = calendarOf(department.settings);
      const local = localDateAndMinute(clock(), calendar.timezone);
      const [hours = 0, minutes = 0] = at.split(':').map(Number);
      // After the digest time on a working day; the claims make later runs of the day no-ops.
      if (local.minute < hours * 60 + minutes || !isWorkingDay(local.date, calendar)) continue;
      await postDepartmentDigest(deps, department, local.date, calendar.timezone);
    }
  });
}
