import type { Types } from 'mongoose';
import type { Models } from '../db/models/index.js';
import type { Priority, TicketStatus } from '../db/models/ticket.js';
import { openStatuses } from '../tickets/state-machine.js';
import type { ReportPeriod } from './report-period.js';

/** The fields of a ticket a report reads: a projection, so large periods move little data. */
export interface ReportTicket {
  _id: Types.ObjectId;
  number: number;
  title: string;
  department: string;
  category: string | null;
  priority: Priority;
  status: TicketStatus;
  assigneeId: Types.ObjectId | null;
  assigneeName: string | null;
  requesterId: Types.ObjectId;
  requester: { name: string; company?: string | null; unit?: string | null };
  tags: string[];
  createdAt: Date;
  closedAt: Date | null;
  sla: {
    firstResponseDue: Date | null;
    resolutionDue: Date | null;
    firstResponseBreached: boolean;
    resolutionBreached: boolean;
    /** Since when the ticket waits for its requester, the SLA clock stopped. */
    pausedAt?: Date | null;
  };
  metrics: {
    firstResponseAt: Date | null;
    firstResponseBusinessSeconds: number | null;
    resolvedAt: Date | null;
    resolutionBusinessSeconds: number | null;
    reopenCount: number;
    createdHourOfWeek: number;
  };
  rating: { score: number; at: Date } | null;
}

export const reportProjection = {
  number: 1,
  title: 1,
  department: 1,
  category: 1,
  priority: 1,
  status: 1,
  assigneeId: 1,
  assigneeName: 1,
  requesterId: 1,
  'requester.name': 1,
  'requester.company': 1,
  'requester.unit': 1,
  tags: 1,
  createdAt: 1,
  closedAt: 1,
  'sla.firstResponseDue': 1,
  'sla.resolutionDue': 1,
  'sla.firstResponseBreached': 1,
  'sla.resolutionBreached': 1,
  'sla.pausedAt': 1,
  'metrics.firstResponseAt': 1,
  'metrics.firstResponseBusinessSeconds': 1,
  'metrics.resolvedAt': 1,
  'metrics.resolutionBusinessSeconds': 1,
  'metrics.reopenCount': 1,
  'metrics.createdHourOfWeek': 1,
  'rating.score': 1,
  'rating.at': 1,
} as const;

/**
 * The tickets of a period: those that lived in it. Created before its end and either
 * created in it, still open, or resolved, closed or rated in it. Plain range and `$in`
 * filters only (MongoDB and FerretDB alike); every count is then made in one pass.
 */
export function reportFilter(period: Pick<ReportPeriod, 'from' | 'to'>, departments: string[] | null): Record<string, unknown> {
  const { from, to } = period;
  return {
    createdAt: { $lt: to },
    ...(departments ? { department: { $in: departments } } : {}),
    $or: [
      { createdAt: { $gte: from } },
      { status: { $in: [...openStatuses] } },
      { 'metrics.resolvedAt': { $gte: from } },
      { closedAt: { $gte: from } },
      { 'rating.at': { $gte: from } },
    ],
  };
}

/** Batches large enough that a 500,000-ticket period is a few hundred round trips. */
const BATCH_SIZE = 2000;

/** How many tickets the report will read (for progress), and a cursor over them in number order. */
export function reportTickets(models: Models, period: Pick<ReportPeriod, 'from' | 'to'>, departments: string[] | null) {
  const filter = reportFilter(period, departments);
  const collection = models.Ticket.collection;
  return {
    count: () => collection.countDocuments(filter),
    cursor: () => collection.find<ReportTicket>(filter, { projection: reportProjection, batchSize: BATCH_SIZE }).sort({ number: 1 }),
  };
}
