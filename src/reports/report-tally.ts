import type { DayCounts } from './charts/day-counts.js';
import { groupOf, type Grouping } from './report-grouping.js';
import { daysOf, type ReportPeriod } from './report-period.js';
import type { ReportTicket } from './report-tickets.js';
import { localDates } from './local-dates.js';
import { MetricsTally, type ReportMetrics } from './metrics-tally.js';
import { ticketFacts, type TicketFacts } from './ticket-facts.js';

export interface GroupRow {
  key: string;
  /** Raw label (department key, agent name...); empty for tickets without that field. */
  label: string;
  metrics: ReportMetrics;
}

/** Everything a report shows but the ticket list: the numbers of its sheets and charts. */
export interface ReportResult {
  summary: ReportMetrics;
  groups: GroupRow[];
  /** Tickets created per hour of week (Monday 00:00 = 0 ... Sunday 23:00 = 167). */
  load: number[];
  days: DayCounts[];
  /** Tickets the period covers (rows of the ticket list). */
  tickets: number;
}

interface DayTally {
  created: number;
  resolved: number;
  firstResponseMet: number;
  firstResponseDecided: number;
  resolutionMet: number;
  resolutionDecided: number;
}

/**
 * Counts a report in one pass over its tickets: the summary, one row per group, the load
 * matrix and the days of the chart. Memory grows with the groups and 8 bytes per timed ticket,
 * never with whole documents.
 */
export class ReportTally {
  private readonly summary = new MetricsTally();
  private readonly groups = new Map<string, { label: string; tally: MetricsTally }>();
  private readonly load = new Array<number>(168).fill(0);
  private readonly days = new Map<string, DayTally>();
  private readonly localDate: (at: Date) => string;
  private tickets = 0;

  constructor(
    private readonly period: ReportPeriod,
    private readonly grouping: Grouping | null,
  ) {
    this.localDate = localDates(period.timeZone);
    for (const day of daysOf(period)) {
      this.days.set(day, { created: 0, resolved: 0, firstResponseMet: 0, firstResponseDecided: 0, resolutionMet: 0, resolutionDecided: 0 });
    }
  }

  /** Counts a ticket and returns its facts (for the ticket's own row). */
  add(ticket: ReportTicket): TicketFacts {
    const facts = ticketFacts(ticket, this.period);
    this.tickets += 1;
    this.summary.add(ticket, facts);
    if (this.grouping) {
      const { key, label } = groupOf(ticket, this.grouping);
      let group = this.groups.get(key);
      if (!group) {
        group = { label, tally: new MetricsTally() };
        this.groups.set(key, group);
      }
      group.tally.add(ticket, facts);
    }
    if (facts.createdInPeriod) {
      const hour = ticket.metrics.createdHourOfWeek;
      if (hour >= 0 && hour < 168) this.load[hour]! += 1;
      const day = this.days.get(this.localDate(ticket.createdAt));
      if (day) {
        day.created += 1;
        if (facts.firstResponse) {
          day.firstResponseDecided += 1;
          if (facts.firstResponse === 'met') day.firstResponseMet += 1;
        }
        if (facts.resolution) {
          day.resolutionDecided += 1;
          if (facts.resolution === 'met') day.resolutionMet += 1;
        }
      }
    }
    if (facts.resolvedInPeriod && ticket.metrics.resolvedAt) {
      const day = this.days.get(this.localDate(ticket.metrics.resolvedAt));
      if (day) day.resolved += 1;
    }
    return facts;
  }

  result(): ReportResult {
    const share = (met: number, decided: number) => (decided === 0 ? null : Number((met / decided).toFixed(4)));
    return {
      summary: this.summary.result(),
      groups: [...this.groups.entries()].map(([key, { label, tally }]) => ({ key, label, metrics: tally.result() })),
      load: [...this.load],
      days: [...this.days.entries()].map(([date, day]) => ({
        date,
        created: day.created,
        resolved: day.resolved,
        firstResponseCompliance: share(day.firstResponseMet, day.firstResponseDecided),
        resolutionCompliance: share(day.resolutionMet, day.resolutionDecided),
      })),
      tickets: this.tickets,
    };
  }
}
