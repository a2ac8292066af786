import type { JournalEvent } from '../db/models/journal-event.js';
import type { Attachment, Ticket } from '../db/models/ticket.js';

const iso = (date: Date | null | undefined) => (date ? new Date(date).toISOString() : null);

function attachmentView(file: Attachment) {
  return { id: file.fileId.toString(), name: file.name, contentType: file.contentType, size: file.size };
}

function plain(values: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(values)) as Record<string, unknown>;
}

/** The public shape of a ticket: ids as strings, dates as ISO strings, search arrays left out. */
export function ticketView(ticket: Ticket) {
  return {
    number: ticket.number,
    title: ticket.title,
    description: ticket.description,
    status: ticket.status,
    priority: ticket.priority,
    department: ticket.department,
    category: ticket.category,
    source: ticket.source,
    requester: { id: ticket.requesterId.toString(), ...ticket.requester },
    assignee: ticket.assigneeId ? { id: ticket.assigneeId.toString(), name: ticket.assigneeName } : null,
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
      resolvedAt: iso(ticket.metrics.resolvedAt),
      resolutionSeconds: ticket.metrics.resolutionSeconds,
      reopenCount: ticket.metrics.reopenCount,
    },
    rating: ticket.rating ? { score: ticket.rating.score, comment: ticket.rating.comment, at: iso(ticket.rating.at) } : null,
    commentCount: ticket.commentCount,
    version: ticket.version,
    createdAt: iso(ticket.createdAt),
    updatedAt: iso(ticket.updatedAt),
    closedAt: iso(ticket.closedAt),
  };
}

/** One journal event as the API shows it (the stored write itself is internal). */
export function eventView(event: JournalEvent) {
  return {
    seq: event.seq,
    type: event.type,
    at: iso(event.at),
    actor: { id: event.actorId.toString(), name: event.actorName },
    via: event.via,
    before: plain(event.before),
    after: plain(event.after),
    text: event.text,
    internal: event.internal,
    attachments: event.attachments.map(attachmentView),
  };
}
