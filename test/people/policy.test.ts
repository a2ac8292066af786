import { Types } from 'mongoose';
import { describe, expect, it } from 'vitest';
import type { TicketStatus } from '../../src/db/models/ticket.js';
import type { Actor } from '../../src/people/actor.js';
import { can, canBeAssignee, type TicketAction, type TicketScope } from '../../src/people/policy.js';

const id = () => new Types.ObjectId();
const requester: Actor = { id: id(), name: 'Req', role: 'requester', departments: [] };
const otherRequester: Actor = { id: id(), name: 'Other', role: 'requester', departments: [] };
const agentIt: Actor = { id: id(), name: 'Agent IT', role: 'agent', departments: ['it'] };
const agentHr: Actor = { id: id(), name: 'Agent HR', role: 'agent', departments: ['hr'] };
const agentBoth: Actor = { id: id(), name: 'Agent IT+HR', role: 'agent', departments: ['it', 'hr'] };
const coordIt: Actor = { id: id(), name: 'Coord IT', role: 'coordinator', departments: ['it'] };
const coordHr: Actor = { id: id(), name: 'Coord HR', role: 'coordinator', departments: ['hr'] };
const manager: Actor = { id: id(), name: 'Manager', role: 'manager', departments: [] };
const admin: Actor = { id: id(), name: 'Admin', role: 'admin', departments: [] };

function ticket(status: TicketStatus = 'in_progress', assignee: Actor | null = null): TicketScope {
  return { department: 'it', requesterId: requester.id, assigneeId: assignee?.id ?? null, watchers: [], status };
}

// One row per actor: the actions they may take on an IT ticket of `requester`, assigned to nobody.
const table: [string, Actor, TicketAction[]][] = [
  ['requester (own ticket)', requester, ['view', 'reply', 'close', 'rate']],
  ['another requester', otherRequester, []],
  ['agent of the department', agentIt, ['view', 'view_internal', 'reply', 'note', 'take', 'set_priority', 'wait', 'resolve', 'close']],
  ['agent of another department', agentHr, []],
  ['agent of both departments', agentBoth, ['view', 'view_internal', 'reply', 'note', 'take', 'set_priority', 'wait', 'resolve', 'close']],
  ['coordinator of the department', coordIt, ['view', 'view_internal', 'reply', 'note', 'take', 'release', 'assign', 'transfer', 'set_priority', 'wait', 'resolve', 'close', 'reopen']],
  ['coordinator of another department', coordHr, []],
  ['manager', manager, ['view', 'view_internal', 'reply', 'note', 'take', 'release', 'assign', 'transfer', 'set_priority', 'wait', 'resolve', 'close', 'reopen']],
  ['admin', admin, ['view', 'view_internal', 'reply', 'note', 'take', 'release', 'assign', 'transfer', 'set_priority', 'wait', 'resolve', 'close', 'reopen']],
];

const allActions: TicketAction[] = [
  'view', 'view_internal', 'reply', 'note', 'take', 'release', 'assign', 'transfer',
  'set_priority', 'wait', 'resolve', 'close', 'reopen', 'rate',
];

describe('access policy', () => {
  for (const [label, actor, allowed] of table) {
    it.each(allActions)(`${label}: %s`, (action) => {
      expect(can(actor, action, ticket())).toBe(allowed.includes(action));
    });
  }

  it('an agent of another department sees and works a ticket assigned to them', () => {
    const scope = ticket('in_progress', agentHr);
    expect(can(agentHr, 'view', scope)).toBe(true);
    expect(can(agentHr, 'view_internal', scope)).toBe(true);
    expect(can(agentHr, 'resolve', scope)).toBe(true);
    expect(can(agentHr, 'release', scope)).toBe(true);
    expect(can(agentHr, 'transfer', scope)).toBe(false);
  });

  it('a watcher agent sees the ticket and its notes but does not work it', () => {
    const scope = { ...ticket(), watchers: [agentHr.id] };
    expect(can(agentHr, 'view', scope)).toBe(true);
    expect(can(agentHr, 'note', scope)).toBe(true);
    expect(can(agentHr, 'resolve', scope)).toBe(false);
  });

  it('the assignee may release; another agent of the department may not', () => {
    const scope = ticket('in_progress', agentBoth);
    expect(can(agentBoth, 'release', scope)).toBe(true);
    expect(can(agentIt, 'release', scope)).toBe(false);
  });

  it('a requester reopens a resolved ticket but not a closed one, and never sees notes', () => {
    expect(can(requester, 'reopen', ticket('resolved'))).toBe(true);
    expect(can(requester, 'reopen', ticket('closed'))).toBe(false);
    expect(can(requester, 'view_internal', ticket())).toBe(false);
    expect(can(requester, 'note', ticket())).toBe(false);
  });

  it('staff who open a ticket for themselves rate it as its requester', () => {
    const own = { ...ticket('resolved'), requesterId: agentIt.id };
    expect(can(agentIt, 'rate', own)).toBe(true);
    expect(can(manager, 'rate', ticket('resolved'))).toBe(false);
  });

  it.each([
    [requester, 'it', false],
    [agentIt, 'it', true],
    [agentIt, 'hr', false],
    [agentBoth, 'hr', true],
    [coordHr, 'hr', true],
    [manager, 'it', true],
  ] as const)('assignee eligibility %#', (person, department, expected) => {
    expect(canBeAssignee(person, department)).toBe(expected);
  });
});
