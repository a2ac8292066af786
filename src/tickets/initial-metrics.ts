import type { TicketMetrics } from '../db/models/ticket.js';
import { hourOfWeek } from './hour-of-week.js';

/** The metrics of a newly opened ticket: nothing answered or resolved yet, the hour of week of its opening in the org's zone. */
export function initialMetrics(openedAt: Date, timeZone: string): TicketMetrics {
  return {
    firstResponseAt: null,
    firstResponseSeconds: null,
    firstResponseBusinessSeconds: null,
    resolvedAt: null,
    resolutionSeconds: null,
    resolutionBusinessSeconds: null,
    reopenCount: 0,
    createdHourOfWeek: hourOfWeek(openedAt, timeZone),
  };
}
