import { departmentByKey } from '../db/department-cache.js';
import type { Models } from '../db/models/index.js';
import type { Ticket, TicketSla, TicketStatus } from '../db/models/ticket.js';
import { businessMillisBetween } from '../sla/business-calendar.js';
import {
  calendarOf,
  nextSlaStepAt,
  noPause,
  pendingSlaSteps,
  slaDueDates,
  type PausedTime,
  type SlaSettings,
  type SlaStepInput,
  type SlaTargetName,
} from '../sla/sla-due-dates.js';

/** The SLA clock stands still while the ticket waits for the requester (asked, or to confirm a fix). */
const pausingStatuses = new Set<TicketStatus>(['waiting', 'resolved', 'closed']);
const targets: SlaTargetName[] = ['firstResponse', 'resolution'];

/** The settings SLA math reads, of a department known by its key. */
export async function slaSettingsOf(models: Models, department: string): Promise<SlaSettings | undefined> {
  const found = await departmentByKey(models, department);
  return found?.settings as SlaSettings | undefined;
}

/** Whether a target is met for good: answered (first response), resolved or closed (resolution). */
export function slaTargetMet(ticket: Pick<Ticket, 'metrics' | 'status'>, target: SlaTargetName): boolean {
  return target === 'firstResponse' ? ticket.metrics.firstResponseAt != null : ticket.status === 'resolved' || ticket.status === 'closed';
}

/** What the escalation step schedule reads of a stored ticket. */
export function slaStepInputOf(ticket: Ticket): SlaStepInput {
  const sla: Partial<TicketSla> = ticket.sla ?? {};
  const state = (target: SlaTargetName) => ({
    due: sla[`${target}Due`] ?? null,
    met: slaTargetMet(ticket, target),
    remindedAt: sla[`${target}RemindedAt`] ?? null,
    breached: Boolean(sla[`${target}Breached`]),
    escalatedAt: sla[`${target}EscalatedAt`] ?? null,
  });
  return {
    priority: ticket.priority,
    openedAt: ticket.createdAt,
    paused: sla.pausedAt != null,
    pausedTime: { businessSeconds: sla.pausedBusinessSeconds ?? 0, wallSeconds: sla.pausedWallSeconds ?? 0 },
    firstResponse: state('firstResponse'),
    resolution: state('resolution'),
  };
}

/** The SLA state of a newly opened ticket: due dates and the time of its first escalation step. */
export function initialSla(settings: SlaSettings | undefined, priority: string, openedAt: Date): TicketSla {
  const due = slaDueDates(settings, priority, openedAt);
  const state = (target: SlaTargetName) => ({ due: due[`${target}Due`], met: false, remindedAt: null, breached: false, escalatedAt: null });
  const steps = pendingSlaSteps(settings, { priority, openedAt, paused: false, pausedTime: noPause, firstResponse: state('firstResponse'), resolution: state('resolution') });
  return {
    ...due,
    firstResponseBreached: false,
    resolutionBreached: false,
    pausedAt: null,
    pausedBusinessSeconds: 0,
    pausedWallSeconds: 0,
    firstResponseRemindedAt: null,
    resolutionRemindedAt: null,
    firstResponseEscalatedAt: null,
    resolutionEscalatedAt: null,
    nextStepAt: nextSlaStepAt(steps),
  };
}

/**
 * The SLA fields a change implies, given the fields the change sets (`set`, dotted paths):
 * the clock pauses when the ticket starts waiting for the requester and resumes after;
 * due dates move with a new priority, department or the end of a pause (a breach already
 * recorded stays, the reminder and escalation of a moved target run again); first-response
 * and resolution times are stored in working time and flagged late against their targets;
 * and the time of the next escalation step is stored for the SLA job. Returns only what changes.
 */
export function slaChanges(before: Ticket, set: Record<string, unknown>, settings: SlaSettings | undefined, now: Date): Record<string, unknown> {
  const after = <T>(path: string, current: T): T => (path in set ? (set[path] as T) : current);
  const sla: Partial<TicketSla> = before.sla ?? {};
  const calendar = calendarOf(settings);
  const changes: Record<string, unknown> = {};
  const status = after('status', before.status);
  const priority = after('priority', before.priority);

  let pausedAt = sla.pausedAt ?? null;
  let paused: PausedTime = { businessSeconds: sla.pausedBusinessSeconds ?? 0, wallSeconds: sla.pausedWallSeconds ?? 0 };
  let pauseEnded = false;
  if (pausingStatuses.has(status) && !pausedAt) {
    pausedAt = now;
    changes['sla.pausedAt'] = now;
  } else if (!pausingStatuses.has(status) && pausedAt) {
    paused = {
      businessSeconds: paused.businessSeconds + Math.round(businessMillisBetween(pausedAt, now, calendar) / 1000),
      wallSeconds: paused.wallSeconds + Math.round((now.getTime() - pausedAt.getTime()) / 1000),
    };
    Object.assign(changes, { 'sla.pausedAt': null, 'sla.pausedBusinessSeconds': paused.businessSeconds, 'sla.pausedWallSeconds': paused.wallSeconds });
    pausedAt = null;
    pauseEnded = true;
  }

  const due = { firstResponse: sla.firstResponseDue ?? null, resolution: sla.resolutionDue ?? null };
  const reset: Record<string, unknown> = {};
  const departmentChanged = 'department' in set && set.department !== before.department;
  if (pauseEnded || priority !== before.priority || departmentChanged) {
    const moved = slaDueDates(settings, priority, before.createdAt, paused);
    for (const target of targets) {
      const next = moved[`${target}Due`];
      if ((next?.getTime() ?? null) === (due[target]?.getTime() ?? null)) continue;
      due[target] = next;
      changes[`sla.${target}Due`] = next;
      if (!sla[`${target}Breached`]) Object.assign(reset, { [`sla.${target}RemindedAt`]: null, [`sla.${target}EscalatedAt`]: null });
    }
  }
  Object.assign(changes, reset);

  // Working time from opening to now, without the time spent waiting for the requester.
  const ongoingPause = pausedAt && pausedAt < now ? businessMillisBetween(pausedAt, now, calendar) / 1000 : 0;
  const worked = Math.max(0, Math.round(businessMillisBetween(before.createdAt, now, calendar) / 1000 - paused.businessSeconds - ongoingPause));
  // While the ticket waits for the requester its clock stands still at the start of the pause.
  const clockAt = pausedAt ?? now;
  const late = (target: SlaTargetName) => due[target] !== null && clockAt > due[target] && !sla[`${target}Breached`];
  if (set['metrics.firstResponseAt'] && !before.metrics.firstResponseAt) {
    changes['metrics.firstResponseBusinessSeconds'] = worked;
    if (late('firstResponse')) changes['sla.firstResponseBreached'] = true;
  }
  if ('metrics.resolvedAt' in set) {
    changes['metrics.resolutionBusinessSeconds'] = set['metrics.resolvedAt'] ? worked : null;
    if (set['metrics.resolvedAt'] && late('resolution')) changes['sla.resolutionBreached'] = true;
  }

  const state = (target: SlaTargetName, met: boolean) => ({
    due: due[target],
    met,
    remindedAt: after(`sla.${target}RemindedAt`, (`sla.${target}RemindedAt` in reset ? null : sla[`${target}RemindedAt`]) ?? null),
    breached: Boolean(after(`sla.${target}Breached`, changes[`sla.${target}Breached`] ?? sla[`${target}Breached`])),
    escalatedAt: after(`sla.${target}EscalatedAt`, (`sla.${target}EscalatedAt` in reset ? null : sla[`${target}EscalatedAt`]) ?? null),
  });
  const steps = pendingSlaSteps(settings, {
    priority,
    openedAt: before.createdAt,
    paused: pausedAt !== null,
    pausedTime: paused,
    firstResponse: state('firstResponse', Boolean(after('metrics.firstResponseAt', before.metrics.firstResponseAt))),
    resolution: state('resolution', status === 'resolved' || status === 'closed'),
  });
  const next = nextSlaStepAt(steps);
  if ((next?.getTime() ?? null) !== (sla.nextStepAt?.getTime() ?? null)) changes['sla.nextStepAt'] = next;
  for (const path of Object.keys(changes)) if (path in set) delete changes[path];
  return changes;
}
