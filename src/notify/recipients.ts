import type { Types } from 'mongoose';
import type { JournalEvent } from '../db/models/journal-event.js';
import type { Ticket } from '../db/models/ticket.js';
import type { NoticeAudience } from './channel.js';

export interface Recipient {
  personId: Types.ObjectId;
  audience: NoticeAudience;
  /** False for a receipt the person already saw in chat: it goes only to those who read e-mail. */
  chat?: false;
}

/** People an event may concern beyond the ticket's own: looked up only for the events that need them. */
export interface StaffToTell {
  coordinators: Types.ObjectId[];
  managers: Types.ObjectId[];
  onDuty: Types.ObjectId[];
}

/** Events whose recipients come from the directory rather than the ticket. */
export const staffEvents = new Set(['sla_breached', 'sla_escalated', 'on_duty_alerted']);

/** Status changes the requester is told about. */
const toldToRequester = new Set(['in_progress', 'waiting', 'resolved', 'closed', 'new']);

/**
 * Who gets a personal message about an event. The actor never hears of their own action,
 * and requesters never hear of internal notes.
 */
export function recipientsOf(event: JournalEvent, ticket: Ticket, staff: StaffToTell = { coordinators: [], managers: [], onDuty: [] }): Recipient[] {
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
      // Who opened it in chat saw the bot's answer; who reads e-mail gets a receipt with the number.
      if (byRequester) list.push({ personId: ticket.requesterId, audience: 'requester', chat: false });
      else requester();
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
    case 'sla_reminder':
      assignee();
      break;
    case 'sla_breached':
      for (const personId of staff.coordinators) list.push({ personId, audience: 'coordinator' });
      break;
    case 'sla_escalated':
      for (const personId of staff.managers) list.push({ personId, audience: 'manager' });
      break;
    case 'on_duty_alerted':
      for (const personId of staff.onDuty) list.push({ personId, audience: 'on_duty' });
      break;
    case 'still_working':
      requester();
      break;
    default:
      break;
  }
  if (!event.internal && event.type !== 'opened' && event.type !== 'still_working') {
    for (const watcher of ticket.watchers) list.push({ personId: watcher, audience: 'watcher' });
  }
  const seen = new Set<string>();
  return list.filter((recipient) => {
    const key = recipient.personId.toString();
    const ownReceipt = recipient.chat === false && event.type === 'opened';
    if ((recipient.personId.equals(event.actorId) && !ownReceipt) || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
