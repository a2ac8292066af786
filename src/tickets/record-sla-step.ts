import type { Ticket } from '../db/models/ticket.js';
import type { Actor } from '../people/actor.js';
import type { SlaStepKind, SlaTargetName } from '../sla/sla-due-dates.js';
import { changeTicket, type ChangeResult } from './change-ticket.js';
import type { TicketDeps } from './ticket-deps.js';
import { slaTargetMet } from './ticket-sla.js';
import { alreadyInState } from './transition-error.js';

const eventOf = { reminder: 'sla_reminder', breach: 'sla_breached', escalation: 'sla_escalated' } as const;

/** Whether the step already ran for the target's current due date. */
function done(ticket: Ticket, target: SlaTargetName, kind: SlaStepKind): boolean {
  const sla = ticket.sla;
  if (kind === 'reminder') return sla[`${target}RemindedAt`] != null || sla[`${target}Breached`];
  if (kind === 'breach') return sla[`${target}Breached`];
  return sla[`${target}EscalatedAt`] != null;
}

/**
 * Journals one SLA escalation step of a ticket (reminder, breach, escalation to managers),
 * once: the step's mark is part of the change, so a second runner (another instance, a
 * retried job) finds it done and changes nothing. The outbox then tells the people concerned.
 */
export function recordSlaStep(deps: TicketDeps, actor: Actor, number: number, target: SlaTargetName, kind: SlaStepKind): Promise<ChangeResult> {
  return changeTicket(deps, {
    actor,
    number,
    action: 'automate',
    via: 'system',
    plan: (ticket, now) => {
      if (slaTargetMet(ticket, target) || ticket.sla.pausedAt || done(ticket, target, kind)) throw alreadyInState(ticket, `sla_${kind}`);
      const set: Record<string, unknown> =
        kind === 'reminder' ? { [`sla.${target}RemindedAt`]: now } : kind === 'breach' ? { [`sla.${target}Breached`]: true } : { [`sla.${target}EscalatedAt`]: now };
      const due = ticket.sla[`${target}Due`];
      return { type: eventOf[kind], set, before: {}, after: { target, due }, internal: true };
    },
  });
}
