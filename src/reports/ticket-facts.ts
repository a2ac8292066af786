import { isOverdue } from '../sla/overdue.js';
import type { ReportPeriod } from './report-period.js';
import type { ReportTicket } from './report-tickets.js';

/** An SLA target's outcome: met, missed, or not decided yet (or no target). */
export type TargetOutcome = 'met' | 'breached' | null;

/** What one ticket counts for in a period; every sheet reads these, so they agree. */
export interface TicketFacts {
  createdInPeriod: boolean;
  resolvedInPeriod: boolean;
  closedInPeriod: boolean;
  /** Not resolved or closed at the period's end (or now, for a running period). */
  openAtEnd: boolean;
  /** Open at the end and past a due date then. */
  overdue: boolean;
  ratedInPeriod: boolean;
  firstResponse: TargetOutcome;
  resolution: TargetOutcome;
  /** The ticket's row: no when a target was missed, yes when resolved with every target met. */
  slaMet: boolean | null;
}

function within(at: Date | null | undefined, period: Pick<ReportPeriod, 'from' | 'to'>): boolean {
  return at != null && at >= period.from && at < period.to;
}

/** Before the instant: the end of a period is its first instant not in it, so a resolution there belongs to the next. */
function before(at: Date | null | undefined, instant: Date): boolean {
  return at != null && at < instant;
}

/**
 * Reads a ticket against a period. Compliance is the final outcome of the ticket's targets
 * (the breach flags the SLA job sets, also on a late answer); "open at end" and "overdue"
 * are read from the dates as they stood at the end, as far as the latest resolution tells.
 */
export function ticketFacts(ticket: ReportTicket, period: Pick<ReportPeriod, 'from' | 'to' | 'asOf'>): TicketFacts {
  const { sla, metrics } = ticket;
  const { asOf } = period;
  const openAtEnd = ticket.createdAt < asOf && !before(ticket.closedAt, asOf) && !before(metrics.resolvedAt, asOf);
  const overdue = openAtEnd && isOverdue(ticket, asOf);
  const firstResponse: TargetOutcome = sla.firstResponseBreached ? 'breached' : sla.firstResponseDue && metrics.firstResponseAt ? 'met' : null;
  const resolution: TargetOutcome = sla.resolutionBreached ? 'breached' : sla.resolutionDue && metrics.resolvedAt ? 'met' : null;
  const slaMet = firstResponse === 'breached' || resolution === 'breached' ? false : resolution === 'met' ? true : null;
  return {
    createdInPeriod: within(ticket.createdAt, period),
    resolvedInPeriod: within(metrics.resolvedAt, period),
    closedInPeriod: within(ticket.closedAt, period),
    openAtEnd,
    overdue,
    ratedInPeriod: ticket.rating != null && within(ticket.rating.at, period),
    firstResponse,
    resolution,
    slaMet,
  };
}
