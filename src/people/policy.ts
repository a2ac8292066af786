import type { Types } from 'mongoose';
import type { Role } from '../db/models/person.js';
import type { TicketStatus } from '../db/models/ticket.js';
import type { Actor } from './actor.js';

/**
 * The access policy, as pure functions of the actor and the ticket. Every adapter
 * (REST, Telegram buttons, Slack actions) goes through the ticket service, which asks here,
 * so a forged request can never do more than the person behind it may.
 */
export type TicketAction =
  | 'view'
  | 'view_internal'
  | 'reply'
  | 'note'
  | 'take'
  | 'release'
  | 'assign'
  | 'transfer'
  | 'set_priority'
  | 'wait'
  | 'resolve'
  | 'close'
  | 'reopen'
  | 'rate'
  /** Automatic changes (SLA steps, on-duty alerts, "still working", auto-close): the helpdesk itself. */
  | 'automate';

export interface TicketScope {
  department: string;
  requesterId: Types.ObjectId;
  assigneeId: Types.ObjectId | null;
  watchers: Types.ObjectId[];
  status: TicketStatus;
}

const roleRank: Record<Role, number> = { requester: 0, agent: 1, coordinator: 2, manager: 3, admin: 4 };

export function hasRole(actor: Pick<Actor, 'role'>, atLeast: Role): boolean {
  return roleRank[actor.role] >= roleRank[atLeast];
}

function same(a: Types.ObjectId | null | undefined, b: Types.ObjectId): boolean {
  return a != null && a.equals(b);
}

function worksIn(actor: Actor, department: string): boolean {
  return actor.departments.includes(department);
}

/** True when the actor sees the ticket as staff (and so sees internal notes). */
function staffSees(actor: Actor, ticket: TicketScope): boolean {
  if (hasRole(actor, 'manager')) return true;
  if (!hasRole(actor, 'agent')) return false;
  return (
    worksIn(actor, ticket.department) ||
    same(ticket.assigneeId, actor.id) ||
    ticket.watchers.some((watcher) => watcher.equals(actor.id))
  );
}

/** Agents act on the tickets of their departments and on tickets assigned to them. */
function staffWorks(actor: Actor, ticket: TicketScope): boolean {
  if (hasRole(actor, 'manager')) return true;
  return hasRole(actor, 'agent') && (worksIn(actor, ticket.department) || same(ticket.assigneeId, actor.id));
}

/** Coordinators manage (assign, transfer, reopen) in their own departments only. */
function manages(actor: Actor, ticket: TicketScope): boolean {
  if (hasRole(actor, 'manager')) return true;
  return hasRole(actor, 'coordinator') && worksIn(actor, ticket.department);
}

export function can(actor: Actor, action: TicketAction, ticket: TicketScope): boolean {
  const isRequester = ticket.requesterId.equals(actor.id);
  switch (action) {
    case 'view':
      return isRequester || staffSees(actor, ticket);
    case 'view_internal':
    case 'note':
      return staffSees(actor, ticket);
    case 'reply':
      return isRequester || staffSees(actor, ticket);
    case 'take':
      return hasRole(actor, 'manager') || (hasRole(actor, 'agent') && worksIn(actor, ticket.department));
    case 'release':
      return same(ticket.assigneeId, actor.id) || manages(actor, ticket);
    case 'assign':
    case 'transfer':
      return manages(actor, ticket);
    case 'set_priority':
    case 'wait':
    case 'resolve':
      return staffWorks(actor, ticket);
    case 'close':
      return isRequester || staffWorks(actor, ticket);
    case 'reopen':
      // A requester may reopen a ticket that was resolved for them; reopening a closed
      // ticket is a management decision.
      return manages(actor, ticket) || (isRequester && ticket.status === 'resolved');
    case 'rate':
      return isRequester;
    case 'automate':
      return hasRole(actor, 'admin');
  }
}

/** May the person be the assignee of a ticket of this department? */
export function canBeAssignee(person: Actor, department: string): boolean {
  return hasRole(person, 'manager') || (hasRole(person, 'agent') && worksIn(person, department));
}

/** May the actor manage configuration (bind chats, schedules, tokens for others)? */
export function canManageConfiguration(actor: Actor): boolean {
  return hasRole(actor, 'admin');
}
