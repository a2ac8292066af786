import type { TicketFacts } from './ticket-facts.js';
import type { ReportTicket } from './report-tickets.js';

/** The metrics of the summary and of every grouping row, in this order on the sheets. */
export interface ReportMetrics {
  created: number;
  resolved: number;
  closed: number;
  openAtEnd: number;
  overdue: number;
  /** Shares 0..1 of decided targets met; null when none was decided. */
  firstResponseCompliance: number | null;
  resolutionCompliance: number | null;
  /** Business hours: first response of the tickets created in the period, resolution of those resolved in it. */
  firstResponseMedianHours: number | null;
  firstResponseMeanHours: number | null;
  resolutionMedianHours: number | null;
  resolutionMeanHours: number | null;
  /** Of the tickets created in the period and resolved at least once, the share reopened. */
  reopenRate: number | null;
  averageRating: number | null;
  ratings: number;
}

export const metricNames = [
  'created',
  'resolved',
  'closed',
  'openAtEnd',
  'overdue',
  'firstResponseCompliance',
  'resolutionCompliance',
  'firstResponseMedianHours',
  'firstResponseMeanHours',
  'resolutionMedianHours',
  'resolutionMeanHours',
  'reopenRate',
  'averageRating',
  'ratings',
] as const satisfies readonly (keyof ReportMetrics)[];

/** A growable list of numbers in a typed array: 8 bytes a value, however long the period. */
class NumberList {
  private values = new Float64Array(64);
  length = 0;
  sum = 0;

  push(value: number): void {
    if (this.length === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = value;
    this.sum += value;
  }

  median(): number | null {
    if (this.length === 0) return null;
    const sorted = this.values.subarray(0, this.length).sort();
    const middle = this.length >> 1;
    return this.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  }

  mean(): number | null {
    return this.length === 0 ? null : this.sum / this.length;
  }
}

const round = (value: number | null, digits: number): number | null => (value === null ? null : Number(value.toFixed(digits)));
const share = (part: number, whole: number): number | null => (whole === 0 ? null : round(part / whole, 4));
const hours = (seconds: number | null): number | null => (seconds === null ? null : round(seconds / 3600, 2));

/** Counts one set of tickets (the whole report, or one group) ticket by ticket. */
export class MetricsTally {
  private created = 0;
  private resolved = 0;
  private closed = 0;
  private openAtEnd = 0;
  private overdue = 0;
  private firstResponseMet = 0;
  private firstResponseDecided = 0;
  private resolutionMet = 0;
  private resolutionDecided = 0;
  private readonly firstResponseSeconds = new NumberList();
  private readonly resolutionSeconds = new NumberList();
  private reopened = 0;
  private resolvedOnce = 0;
  private ratingSum = 0;
  private ratings = 0;

  add(ticket: ReportTicket, facts: TicketFacts): void {
    const { metrics } = ticket;
    if (facts.createdInPeriod) {
      this.created += 1;
      if (facts.firstResponse) {
        this.firstResponseDecided += 1;
        if (facts.firstResponse === 'met') this.firstResponseMet += 1;
      }
      if (facts.resolution) {
        this.resolutionDecided += 1;
        if (facts.resolution === 'met') this.resolutionMet += 1;
      }
      if (metrics.firstResponseBusinessSeconds != null) this.firstResponseSeconds.push(metrics.firstResponseBusinessSeconds);
      if (metrics.reopenCount > 0) this.reopened += 1;
      if (metrics.reopenCount > 0 || metrics.resolvedAt) this.resolvedOnce += 1;
    }
    if (facts.resolvedInPeriod) {
      this.resolved += 1;
      if (metrics.resolutionBusinessSeconds != null) this.resolutionSeconds.push(metrics.resolutionBusinessSeconds);
    }
    if (facts.closedInPeriod) this.closed += 1;
    if (facts.openAtEnd) this.openAtEnd += 1;
    if (facts.overdue) this.overdue += 1;
    if (facts.ratedInPeriod && ticket.rating) {
      this.ratings += 1;
      this.ratingSum += ticket.rating.score;
    }
  }

  result(): ReportMetrics {
    return {
      created: this.created,
      resolved: this.resolved,
      closed: this.closed,
      openAtEnd: this.openAtEnd,
      overdue: this.overdue,
      firstResponseCompliance: share(this.firstResponseMet, this.firstResponseDecided),
      resolutionCompliance: share(this.resolutionMet, this.resolutionDecided),
      firstResponseMedianHours: hours(this.firstResponseSeconds.median()),
      firstResponseMeanHours: hours(this.firstResponseSeconds.mean()),
      resolutionMedianHours: hours(this.resolutionSeconds.median()),
      resolutionMeanHours: hours(this.resolutionSeconds.mean()),
      reopenRate: share(this.reopened, this.resolvedOnce),
      averageRating: this.ratings === 0 ? null : round(this.ratingSum / this.ratings, 2),
      ratings: this.ratings,
    };
  }
}
