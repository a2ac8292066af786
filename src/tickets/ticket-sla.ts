import type { Models } from '../db/models/index.js';
import { slaDueDates, type SlaSettings } from '../sla/sla-due-dates.js';

/**
 * The due-date fields a change sets: the department's targets for the priority, counted from
 * when the ticket was opened, so a change of priority or department keeps the same start.
 */
export function dueDateFields(settings: unknown, priority: string, openedAt: Date): Record<string, Date | null> {
  const due = slaDueDates(settings as SlaSettings | undefined, priority, openedAt);
  return { 'sla.firstResponseDue': due.firstResponseDue, 'sla.resolutionDue': due.resolutionDue };
}

/** The same for a department known by its key. */
export async function dueDateFieldsOf(models: Models, department: string, priority: string, openedAt: Date): Promise<Record<string, Date | null>> {
  const found = await models.Department.findOne({ key: department }).select({ settings: 1 }).lean();
  return dueDateFields(found?.settings, priority, openedAt);
}
