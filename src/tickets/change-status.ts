import type { Ticket, TicketStatus } from '../db/models/ticket.js';
import type { Actor } from '../people/actor.js';
import type { TicketAction } from '../people/policy.js';
import { changeTicket, type ChangeResult } from './change-ticket.js';
import { nextStatus, type StatusMove } from './state-machine.js';
import type { TicketDeps, Via } from './ticket-deps.js';
import { invalidTransition } from './transition-error.js';

export type StatusCommand = 'wait' | 'resume' | 'resolve' | 'close' | 'reopen';

const actionOf: Record<StatusCommand, TicketAction> = {
  wait: 'wait',
  resume: 'wait',
  resolve: 'resolve',
  close: 'close',
  reopen: 'reopen',
};

/** Fields that change with the status: resolution metrics, close time, reopen count. */
function sideEffects(ticket: Ticket, status: TicketStatus, command: StatusCommand, now: Date): Record<string, unknown> {
  switch (command) {
    case 'resolve':
      return {
        'metrics.resolvedAt': now,
        'metrics.resolutionSeconds': Math.round((now.getTime() - ticket.createdAt.getTime()) / 1000),
      };
    case 'close':
      return ticket.metrics.resolvedAt
        ? { closedAt: now }
        : {
            closedAt: now,
            'metrics.resolvedAt': now,
            'metrics.resolutionSeconds': Math.round((now.getTime() - ticket.createdAt.getTime()) / 1000),
          };
    case 'reopen':
      return {
        closedAt: null,
        'metrics.resolvedAt': null,
        'metrics.resolutionSeconds': null,
        'metrics.reopenCount': ticket.metrics.reopenCount + 1,
        status: ticket.assigneeId ? status : 'new',
      };
    default:
      return {};
  }
}

/**
 * Moves a ticket through the state machine: waiting for the requester, back to work,
 * resolved, closed, reopened. A move the state machine forbids changes nothing.
 */
export function changeStatus(
  deps: TicketDeps,
  actor: Actor,
  number: number,
  command: StatusCommand,
  via: Via,
): Promise<ChangeResult> {
  return changeTicket(deps, {
    actor,
    number,
    action: actionOf[command],
    via,
    plan: (ticket, now) => {
      const move: StatusMove = command;
      const target = nextStatus(ticket.status, move);
      if (!target) throw invalidTransition(ticket, command);
      const set: Record<string, unknown> = { status: target, ...sideEffects(ticket, target, command, now) };
      return {
        type: 'status_changed',
        set,
        before: { status: ticket.status },
        after: { status: set.status },
      };
    },
  });
}
