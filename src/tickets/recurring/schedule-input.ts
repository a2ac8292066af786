import type { z } from 'zod';
import { scheduleSchema } from '../../config/org-schema.js';
import type { Models } from '../../db/models/index.js';
import type { ScheduleTemplate } from '../../db/models/schedule.js';
import { HelpdeskError, type FieldError } from '../../errors.js';
import { actorFromPerson } from '../../people/actor.js';
import { canBeAssignee } from '../../people/policy.js';
import { firstRunAt } from './next-run.js';

/** A schedule as the config, the API and the chat commands give it (`every` as "4h", "30m"...). */
export type ScheduleInput = z.input<typeof scheduleSchema>;

/** A checked schedule, ready to store. */
export interface ValidSchedule {
  key: string;
  cron: string | null;
  everyMinutes: number | null;
  timezone: string;
  paused: boolean;
  template: ScheduleTemplate;
}

const fail = (fields: FieldError[]) => new HelpdeskError('VALIDATION_FAILED', 'the schedule is not valid', {}, fields);

/**
 * Checks a schedule added by command or API with the org config's own schema (same rules,
 * same messages), then what only the database knows: the department and category exist, the
 * assignee may work its tickets, the requester is an active person. A cron expression must
 * have the five usual fields here (the config also accepts cron-parser's optional seconds).
 * The time zone defaults to the department's.
 */
export async function validateScheduleInput(models: Models, input: unknown): Promise<ValidSchedule> {
  const parsed = scheduleSchema.safeParse(input);
  if (!parsed.success) {
    throw fail(parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })));
  }
  const schedule = parsed.data;
  const { ticket } = schedule;
  const fields: FieldError[] = [];
  if (schedule.cron !== undefined && schedule.cron.trim().split(/\s+/).length !== 5) {
    fields.push({ path: 'cron', message: 'expected five fields: minute hour day month weekday, like "0 9 * * mon"' });
  }
  const department = await models.Department.findOne({ key: ticket.department, active: true }).lean();
  if (!department) fields.push({ path: 'ticket.department', message: `unknown department ${ticket.department}` });
  else if (ticket.category && !department.categories.some((category) => category.key === ticket.category)) {
    fields.push({ path: 'ticket.category', message: `unknown category ${ticket.category} in department ${ticket.department}` });
  }
  if (ticket.assignee) {
    const person = await models.Person.findOne({ email: ticket.assignee, active: true }).lean();
    if (!person) fields.push({ path: 'ticket.assignee', message: `${ticket.assignee} is not an active person` });
    else if (!canBeAssignee(actorFromPerson(person), ticket.department)) {
      fields.push({ path: 'ticket.assignee', message: `${ticket.assignee} does not work in department ${ticket.department}` });
    }
  }
  if (ticket.requester && !(await models.Person.exists({ email: ticket.requester, active: true }))) {
    fields.push({ path: 'ticket.requester', message: `${ticket.requester} is not an active person` });
  }
  const settings = (department?.settings ?? {}) as { timezone?: unknown };
  const valid: ValidSchedule = {
    key: schedule.id,
    cron: schedule.cron?.trim() ?? null,
    everyMinutes: schedule.every ?? null,
    timezone: schedule.timezone ?? (typeof settings.timezone === 'string' ? settings.timezone : 'UTC'),
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
  if (fields.length === 0 && valid.cron) {
    try {
      firstRunAt(valid, new Date());
    } catch {
      fields.push({ path: 'cron', message: 'this cron expression never occurs' });
    }
  }
  if (fields.length > 0) throw fail(fields);
  return valid;
}
