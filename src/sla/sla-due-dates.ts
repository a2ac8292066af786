import { addBusinessMinutes, type BusinessCalendar } from './business-calendar.js';

/** A department's target for one priority, as the org config gives it (durations in minutes). */
export interface SlaTarget {
  firstResponse: number;
  resolution: number;
  /** `business`: only working hours count; `24/7`: every minute does. */
  clock: 'business' | '24/7';
}

/** The part of a department's settings that SLA math reads. */
export interface SlaSettings extends Partial<BusinessCalendar> {
  sla?: Partial<Record<string, SlaTarget>>;
}

export interface SlaDueDates {
  firstResponseDue: Date | null;
  resolutionDue: Date | null;
}

function after(start: Date, minutes: number, target: SlaTarget, settings: SlaSettings): Date | null {
  if (target.clock === '24/7') return new Date(start.getTime() + minutes * 60_000);
  const calendar: BusinessCalendar = {
    timezone: settings.timezone ?? 'UTC',
    hours: settings.hours ?? 'always',
    holidays: settings.holidays ?? [],
  };
  return addBusinessMinutes(start, minutes, calendar);
}

/**
 * When a ticket of this priority, opened at `openedAt`, must be answered and resolved under
 * its department's targets; nulls where the department sets none for the priority.
 */
export function slaDueDates(settings: SlaSettings | null | undefined, priority: string, openedAt: Date): SlaDueDates {
  const target = settings?.sla?.[priority];
  if (!settings || !target) return { firstResponseDue: null, resolutionDue: null };
  return {
    firstResponseDue: after(openedAt, target.firstResponse, target, settings),
    resolutionDue: after(openedAt, target.resolution, target, settings),
  };
}
