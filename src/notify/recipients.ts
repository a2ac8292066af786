import type { Types } from 'mongoose';
import type { JournalEvent } from '../db/models/journal-event.js';
import type { Ticket } from '../db/models/ticket.js';
import type { DirectNotice } from './channel.js';

export interface Recipient {
  personId: Types.ObjectId;
  audience: DirectNotice['audience'];
}

/** Status changes the requester is told about. */
const toldToRequester = new Set(['in_progress', 'waiting', 'resolved', 'closed', 'new']);

/**
 * Who gets a personal message about an event. The actor never hears of their own action,
 * and requesters never hear of internal notes.
 */
export function recipientsOf(event: JournalEvent, ticket: Ticket): Recipient[] {
  const byRequester = event.actorId.equals(ticket.requesterId);
  const list: Recipient[] = [];
  const requester = (): void => {
    list.push({ personId: ticket.requesterId, audience: 'requester' });
  };
  const assignee = (): void => {
    if (ticket.assigneeId) list.push({ personId: ticket.assigneeId, audience: 'assignee' });
  };
  switch (event.type) {
    case 'opened':
      if (!byRequester) requester();
      break;
    case 'taken':
      requester();
      break;
    case 'assigned':
      requester();
      assignee();
      break;
    case 'replied':
      if (byRequester) assignee();
      else requester();
      break;
    case 'noted':
      assignee();
      break;
    case 'status_changed':
      if (byRequester) assignee();
      else if (toldToRequester.has(String(event.after.status))) requester();
      break;
    case 'rated':
      assignee();
      break;
    default:
      break;
  }
  if (!event.internal && event.type !== 'opened') {
    for (const watcher of ticket.watchers) list.push({ personId: watcher, audience: 'watcher' });
  }
  const seen = new Set<string>();
  return list.filter((recipient) => {
    const key = recipient.personId.toString();
    if (recipient.personId.equals(event.actorId) || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
