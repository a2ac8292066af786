import { Types } from 'mongoose';
import { describe, expect, it } from 'vitest';
import type { ReportTicket } from '../../src/reports/report-tickets.js';
import { ticketFacts } from '../../src/reports/ticket-facts.js';

// November 2026 in UTC: [from, to), read at its end.
const period = { from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-12-01T00:00:00Z'), asOf: new Date('2026-12-01T00:00:00Z') };
const day = (date: string) => new Date(`${date}T09:00:00Z`);

function ticket(change: { status?: ReportTicket['status']; sla?: Partial<ReportTicket['sla']>; metrics?: Partial<ReportTicket['metrics']>; closedAt?: Date | null }): ReportTicket {
  return {
    _id: new Types.ObjectId(),
    number: 1,
    title: 'Ticket',
    department: 'it',
    category: null,
    priority: 'normal',
    status: change.status ?? 'in_progress',
    assigneeId: null,
    assigneeName: null,
    requesterId: new Types.ObjectId(),
    requester: { name: 'Rita' },
    tags: [],
    createdAt: day('2026-11-02'),
    closedAt: change.closedAt ?? null,
    sla: { firstResponseDue: day('2026-11-02'), resolutionDue: day('2026-11-10'), firstResponseBreached: false, resolutionBreached: false, pausedAt: null, ...change.sla },
    metrics: { firstResponseAt: day('2026-11-02'), firstResponseBusinessSeconds: 0, resolvedAt: null, resolutionBusinessSeconds: null, reopenCount: 0, createdHourOfWeek: 9, ...change.metrics },
    rating: null,
  };
}

describe('what one ticket counts for at the end of a period', () => {
  it('counts an open ticket past its resolution due date as overdue', () => {
    expect(ticketFacts(ticket({}), period)).toMatchObject({ openAtEnd: true, overdue: true });
  });

  it('does not count a ticket waiting for its requester since before the due date: its clock stopped', () => {
    const waiting = ticket({ status: 'waiting', sla: { pausedAt: day('2026-11-05') } });
    expect(ticketFacts(waiting, period)).toMatchObject({ openAtEnd: true, overdue: false });
  });

  it('counts a waiting ticket whose due date had passed when the waiting began', () => {
    const late = ticket({ status: 'waiting', sla: { pausedAt: day('2026-11-12') } });
    expect(ticketFacts(late, period)).toMatchObject({ openAtEnd: true, overdue: true });
  });

  it('reads a pause that began after the period as no pause', () => {
    const later = ticket({ status: 'waiting', sla: { pausedAt: new Date('2026-12-03T09:00:00Z') } });
    expect(ticketFacts(later, period)).toMatchObject({ openAtEnd: true, overdue: true });
  });

  it('leaves a resolution at the first instant after the period to the next period, open at this one’s end', () => {
    const atEnd = ticket({ status: 'resolved', metrics: { resolvedAt: period.to } });
    expect(ticketFacts(atEnd, period)).toMatchObject({ resolvedInPeriod: false, openAtEnd: true });
    const justBefore = ticket({ status: 'resolved', metrics: { resolvedAt: new Date(period.to.getTime() - 1) } });
    expect(ticketFacts(justBefore, period)).toMatchObject({ resolvedInPeriod: true, openAtEnd: false, overdue: false });
  });
});
