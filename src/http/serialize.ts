import type { JournalEvent } from '../db/models/journal-event.js';
import type { Attachment, Ticket } from '../db/models/ticket.js';

const iso = (date: Date | null | undefined): string | null => (date ? new Date(date).toISOString() : null);

function attachmentView(file: Attachment) {
  return { id: file.fileId.toString(), name: file.name, contentType: file.contentType, size: file.size };
}

/** Before/after values as plain JSON: ObjectIds become hex strings and dates ISO strings. */
function plain(values: Record<string, unknown> | null | undefined): Record<string, unknown> {
  return JSON.parse(JSON.stringify(values ?? {})) as Record<string, unknown>;
}

/**
 * The one public shape of a ticket, for every route: ids as strings, dates as ISO strings.
 * Search keyword arrays are internal (staff keywords hold words of internal notes) and are
 * never part of it.
 */
export function ticketView(ticket: Ticket) {
  const { requester } = ticket;
  return {
    number: ticket.number,
    title: ticket.title,
    description: ticket.description,
    status: ticket.status,
    priority: ticket.priority,
    department: ticket.department,
    category: ticket.category ?? null,
    source: ticket.source,
    requester: {
      id: ticket.requesterId.toString(),
      name: requester.name,
      email: requester.email ?? null,
      phone: requester.phone ?? null,
      company: requester.company ?? null,
      unit: requester.unit ?? null,
    },
    assignee: ticket.assigneeId ? { id: ticket.assigneeId.toString(), name: ticket.assigneeName ?? '' } : null,
    watchers: ticket.watchers.map((id) => id.toString()),
    tags: ticket.tags,
    attachments: ticket.attachments.map(attachmentView),
    sla: {
      firstResponseDue: iso(ticket.sla.firstResponseDue),
      resolutionDue: iso(ticket.sla.resolutionDue),
      firstResponseBreached: ticket.sla.firstResponseBreached,
      resolutionBreached: ticket.sla.resolutionBreached,
    },
    metrics: {
      firstResponseAt: iso(ticket.metrics.firstResponseAt),
      firstResponseSeconds: ticket.metrics.firstResponseSeconds,
      firstResponseBusinessSeconds: ticket.metrics.firstResponseBusinessSeconds ?? null,
      resolvedAt: iso(ticket.metrics.resolvedAt),
      resolutionSeconds: ticket.metrics.resolutionSeconds,
      resolutionBusinessSeconds: ticket.metrics.resolutionBusinessSeconds ?? null,
      reopenCount: ticket.metrics.reopenCount,
    },
    rating: ticket.rating ? { score: ticket.rating.score, comment: ticket.rating.comment ?? null, at: iso(ticket.rating.at) } : null,
    commentCount: ticket.commentCount,
    version: ticket.version,
    createdAt: iso(ticket.createdAt),
    updatedAt: iso(ticket.updatedAt),
    closedAt: iso(ticket.closedAt),
  };
}

/** One journal event as the API shows it; the stored write itself (`change`) stays internal. */
export function eventView(event: JournalEvent) {
  return {
    seq: event.seq,
    type: event.type,
    at: iso(event.at),
    actor: { id: event.actorId.toString(), name: event.actorName },
    via: event.via,
    before: plain(event.before),
    after: plain(event.after),
    text: event.text ?? null,
    internal: event.internal,
    attachments: (event.attachments ?? []).map(attachmentView),
  };
}

/** The answer of a change: the ticket as it is now and the event that recorded the change. */
export function changeView({ ticket, event }: { ticket: Ticket; event: JournalEvent }) {
  return { ticket: ticketView(ticket), event: eventView(event) };
}
