import { addBusinessMillis, type BusinessCalendar } from './business-calendar.js';

/** A department's target for one priority, as the org config gives it (durations in minutes). */
export interface SlaTarget {
  firstResponse: number;
  resolution: number;
  /** `business`: only working hours count; `24/7`: every minute does. */
  clock: 'business' | '24/7';
}

/** When escalation steps fire: a reminder at a share of the target, managers a delay after a breach. */
export interface EscalationSettings {
  remindAt: number;
  /** Minutes after the breach, on the target's clock. */
  escalateAfter: number;
}

/** The part of a department's settings that SLA math reads. */
export interface SlaSettings extends Partial<BusinessCalendar> {
  sla?: Partial<Record<string, SlaTarget>>;
  escalation?: EscalationSettings;
}

export interface SlaDueDates {
  firstResponseDue: Date | null;
  resolutionDue: Date | null;
}

/** Time the SLA clock stood still (the ticket waited for the requester), on both clocks. */
export interface PausedTime {
  businessSeconds: number;
  wallSeconds: number;
}

export const noPause: PausedTime = { businessSeconds: 0, wallSeconds: 0 };

const defaultEscalation: EscalationSettings = { remindAt: 0.8, escalateAfter: 120 };

/** The department's working calendar; a department without hours works around the clock. */
export function calendarOf(settings: SlaSettings | null | undefined): BusinessCalendar {
  return { timezone: settings?.timezone ?? 'UTC', hours: settings?.hours ?? 'always', holidays: settings?.holidays ?? [] };
}

/** `millis` later on the target's clock, plus the time the clock stood still. */
function later(start: Date, millis: number, clock: SlaTarget['clock'], settings: SlaSettings, paused: PausedTime): Date | null {
  if (clock === '24/7') return new Date(start.getTime() + millis + paused.wallSeconds * 1000);
  return addBusinessMillis(start, millis + paused.businessSeconds * 1000, calendarOf(settings));
}

/**
 * When a ticket of this priority, opened at `openedAt`, must be answered and resolved under
 * its department's targets, moved later by the time it waited for the requester; nulls
 * where the department sets no target for the priority.
 */
export function slaDueDates(settings: SlaSettings | null | undefined, priority: string, openedAt: Date, paused: PausedTime = noPause): SlaDueDates {
  const target = settings?.sla?.[priority];
  if (!settings || !target) return { firstResponseDue: null, resolutionDue: null };
  return {
    firstResponseDue: later(openedAt, target.firstResponse * 60_000, target.clock, settings, paused),
    resolutionDue: later(openedAt, target.resolution * 60_000, target.clock, settings, paused),
  };
}

export type SlaTargetName = 'firstResponse' | 'resolution';
export type SlaStepKind = 'reminder' | 'breach' | 'escalation';

export interface SlaStep {
  target: SlaTargetName;
  kind: SlaStepKind;
  at: Date;
}

/** What the step schedule reads of a ticket, for one target. */
export interface SlaTargetState {
  due: Date | null;
  /** Answered (first response) or resolved: no more steps. */
  met: boolean;
  remindedAt: Date | null;
  breached: boolean;
  escalatedAt: Date | null;
}

export interface SlaStepInput {
  priority: string;
  openedAt: Date;
  /** While the ticket waits for the requester no step runs. */
  paused: boolean;
  pausedTime: PausedTime;
  firstResponse: SlaTargetState;
  resolution: SlaTargetState;
}

/**
 * The escalation steps still to run, each with its time: a reminder at a share of the
 * target (dropped once the target is breached), the breach at the due date, the escalation
 * to managers a delay after it. Empty while paused and for met targets.
 */
export function pendingSlaSteps(settings: SlaSettings | null | undefined, input: SlaStepInput): SlaStep[] {
  const target = settings?.sla?.[input.priority];
  if (!settings || !target || input.paused) return [];
  const escalation = settings.escalation ?? defaultEscalation;
  const steps: SlaStep[] = [];
  for (const name of ['firstResponse', 'resolution'] as const) {
    const state = input[name];
    if (state.met || !state.due) continue;
    if (!state.remindedAt && !state.breached) {
      const remindAt = later(input.openedAt, target[name] * 60_000 * escalation.remindAt, target.clock, settings, input.pausedTime);
      if (remindAt && remindAt < state.due) steps.push({ target: name, kind: 'reminder', at: remindAt });
    }
    if (!state.breached) steps.push({ target: name, kind: 'breach', at: state.due });
    if (!state.escalatedAt) {
      const escalateAt = later(state.due, escalation.escalateAfter * 60_000, target.clock, settings, { businessSeconds: 0, wallSeconds: 0 });
      if (escalateAt) steps.push({ target: name, kind: 'escalation', at: escalateAt });
    }
  }
  return steps.sort((a, b) => a.at.getTime() - b.at.getTime());
}

/** The time of the next step, or null when none is left. */
export function nextSlaStepAt(steps: SlaStep[]): Date | null {
  return steps[0]?.at ?? null;
}
