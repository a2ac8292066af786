import type { JournalEvent } from '../db/models/journal-event.js';
import type { Attachment, Ticket } from '../db/models/ticket.js';
import type { Actor } from '../people/actor.js';
import { can } from '../people/policy.js';

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
export function ticketView(ticket: Ticket, staff = true) {
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
    // The requester's own view counts what they can read; the version (journal sequence, notes
    // included) would show where notes were, so it is staff's only.
    commentCount: staff ? ticket.commentCount : (ticket.publicCommentCount ?? 0),
    ...(staff ? { version: ticket.version } : {}),
    createdAt: iso(ticket.createdAt),
    updatedAt: iso(ticket.updatedAt),
    closedAt: iso(ticket.closedAt),
  };
}

/** One journal event as the API shows it; the stored write itself (`change`) stays internal. */
export function eventView(event: JournalEvent, seq = event.seq) {
  return {
    seq,
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

/** Whether the actor sees the ticket as staff (internal notes, the real journal sequence). */
export const seesAsStaff = (actor: Actor, ticket: Ticket) => can(actor, 'view_internal', ticket);

/**
 * Journal events as the actor may see them: staff get the journal's own sequence; anyone else
 * gets the events they see numbered 1, 2, 3..., so no gap tells where an internal note was.
 */
export function journalView(events: JournalEvent[], staff: boolean) {
  return events.map((event, index) => eventView(event, staff ? event.seq : index + 1));
}

/**
 * The answer of a change: the ticket as it is now and the event that recorded the change,
 * numbered as the actor sees the journal (`visibleJournal` reads it, only for non-staff).
 */
export async function changeView(actor: Actor, { ticket, event }: { ticket: Ticket; event: JournalEvent }, visibleJournal: () => Promise<JournalEvent[]>) {
  if (seesAsStaff(actor, ticket)) return { ticket: ticketView(ticket), event: eventView(event) };
  const seen = await visibleJournal();
  const position = seen.findIndex((each) => each.seq === event.seq);
  return { ticket: ticketView(ticket, false), event: eventView(event, position >= 0 ? position + 1 : seen.length) };
}
