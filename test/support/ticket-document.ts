import { Types } from 'mongoose';
import type { Ticket } from '../../src/db/models/ticket.js';
import { initialMetrics } from '../../src/tickets/initial-metrics.js';
import { initialSla } from '../../src/tickets/ticket-sla.js';

/** What a test says about a ticket it inserts directly; everything else takes the value of a fresh ticket. */
export type TicketDocumentFields = Pick<Ticket, 'number' | 'requesterId' | 'requester' | 'department' | 'createdAt'> &
  Partial<Omit<Ticket, 'sla' | 'metrics'>> & { sla?: Partial<Ticket['sla']>; metrics?: Partial<Ticket['metrics']> };

/**
 * A whole ticket document as the ticket service stores it, for tests that seed many tickets
 * at known dates without going through the service. `timeZone` is the org's, for the stored
 * hour of week of creation.
 */
export function ticketDocument(fields: TicketDocumentFields, timeZone: string): Ticket {
  const { sla, metrics, ...rest } = fields;
  return {
    _id: new Types.ObjectId(),
    title: `Ticket ${fields.number}`,
    description: '',
    category: null,
    priority: 'normal',
    status: 'new',
    assigneeId: null,
    assigneeName: null,
    watchers: [],
    tags: [],
    source: 'telegram',
    attachments: [],
    rating: null,
    publicKeywords: [],
    staffKeywords: [],
    commentCount: 0,
    version: 1,
    updatedAt: fields.createdAt,
    closedAt: null,
    ...rest,
    // As the ticket service opens one with no SLA target, then the test's own values.
    sla: { ...initialSla(undefined, fields.priority ?? 'normal', fields.createdAt), ...sla },
    metrics: { ...initialMetrics(fields.createdAt, timeZone), ...metrics },
  };
}
