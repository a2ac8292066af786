import type { Types } from 'mongoose';
import { groupings } from '../config/report-groupings.js';

export { groupings };
export type Grouping = (typeof groupings)[number];

export function isGrouping(text: string): text is Grouping {
  return (groupings as readonly string[]).includes(text);
}

/** The fields of a ticket a grouping reads. */
export interface GroupedTicket {
  department: string;
  category: string | null;
  assigneeId: Types.ObjectId | null;
  assigneeName: string | null;
  requesterId: Types.ObjectId;
  requester: { name: string; company?: string | null; unit?: string | null };
}

/**
 * The group of a ticket: a stable key (ids where names may repeat) and the raw label; an
 * empty label is a ticket without that field (no assignee, no company), shown translated.
 */
export function groupOf(ticket: GroupedTicket, grouping: Grouping): { key: string; label: string } {
  switch (grouping) {
    case 'department':
      return { key: ticket.department, label: ticket.department };
    case 'agent':
      return ticket.assigneeId ? { key: String(ticket.assigneeId), label: ticket.assigneeName ?? '' } : { key: '', label: '' };
    case 'category':
      return ticket.category ? { key: `${ticket.department}/${ticket.category}`, label: `${ticket.department}/${ticket.category}` } : { key: '', label: '' };
    case 'company':
      return { key: ticket.requester.company ?? '', label: ticket.requester.company ?? '' };
    case 'unit':
      return { key: ticket.requester.unit ?? '', label: ticket.requester.unit ?? '' };
    case 'requester':
      return { key: String(ticket.requesterId), label: ticket.requester.name };
  }
}
