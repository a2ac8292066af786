import { describe, expect, it } from 'vitest';
import {
  nextSlaStepAt,
  noPause,
  pendingSlaSteps,
  slaDueDates,
  type PausedTime,
  type SlaSettings,
  type SlaStep,
  type SlaStepInput,
  type SlaTargetState,
} from '../../src/sla/sla-due-dates.js';

const nineToSix = [{ from: '09:00', to: '18:00' }];
// Moscow is UTC+3 all year. 23 Nov 2026 is a Monday; 31 Dec 2026 a Thursday (a holiday here).
const settings: SlaSettings = {
  timezone: 'Europe/Moscow',
  hours: { mon: nineToSix, tue: nineToSix, wed: nineToSix, thu: nineToSix, fri: nineToSix },
  holidays: ['2026-12-31'],
  sla: {
    normal: { firstResponse: 240, resolution: 1440, clock: 'business' },
    high: { firstResponse: 60, resolution: 480, clock: 'business' },
    urgent: { firstResponse: 30, resolution: 240, clock: '24/7' },
  },
  escalation: { remindAt: 0.8, escalateAfter: 120 },
};

const msk = (local: string) => new Date(`${local}+03:00`);
const weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
/** "Mon 2026-11-23 12:12", Moscow time. */
function local(instant: Date): string {
  const shifted = new Date(instant.getTime() + 3 * 3600_000);
  return `${weekday[shifted.getUTCDay()]} ${shifted.toISOString().slice(0, 16).replace('T', ' ')}`;
}
/** Steps as "firstResponse reminder Mon 2026-11-23 12:12", in order. */
const show = (steps: SlaStep[]) => steps.map((step) => `${step.target} ${step.kind} ${local(step.at)}`);

const fresh = (due: Date | null): SlaTargetState => ({ due, met: false, remindedAt: null, breached: false, escalatedAt: null });
function input(priority: string, openedAt: Date, firstResponse: SlaTargetState, resolution: SlaTargetState, extra: Partial<SlaStepInput> = {}): SlaStepInput {
  return { priority, openedAt, paused: false, pausedTime: noPause, firstResponse, resolution, ...extra };
}
/** A ticket nobody has touched yet: due dates as slaDueDates gives them. */
function untouched(priority: string, openedAt: Date, pausedTime: PausedTime = noPause): SlaStepInput {
  const due = slaDueDates(settings, priority, openedAt, pausedTime);
  return input(priority, openedAt, fresh(due.firstResponseDue), fresh(due.resolutionDue), { pausedTime });
}

describe('due dates behind the steps', () => {
  it.each([
    ['normal, Monday morning', 'normal', msk('2026-11-23T09:00'), noPause, 'Mon 2026-11-23 13:00', 'Wed 2026-11-25 15:00'],
    ['normal, Monday afternoon (across the night)', 'normal', msk('2026-11-23T16:00'), noPause, 'Tue 2026-11-24 11:00', 'Thu 2026-11-26 13:00'],
    ['normal, Friday afternoon (across the weekend)', 'normal', msk('2026-11-27T16:00'), noPause, 'Mon 2026-11-30 11:00', 'Wed 2026-12-02 13:00'],
    ['normal, Friday night', 'normal', msk('2026-11-27T22:00'), noPause, 'Mon 2026-11-30 13:00', 'Wed 2026-12-02 15:00'],
    ['normal, Sunday', 'normal', msk('2026-11-29T15:00'), noPause, 'Mon 2026-11-30 13:00', 'Wed 2026-12-02 15:00'],
    ['normal, holiday eve', 'normal', msk('2026-12-30T17:00'), noPause, 'Fri 2027-01-01 12:00', 'Tue 2027-01-05 14:00'],
    ['high, late Monday', 'high', msk('2026-11-23T16:30'), noPause, 'Mon 2026-11-23 17:30', 'Tue 2026-11-24 15:30'],
    ['urgent 24/7, Saturday night', 'urgent', msk('2026-11-28T23:00'), noPause, 'Sat 2026-11-28 23:30', 'Sun 2026-11-29 03:00'],
    // Paused time moves the due dates: 2 working hours on the business clock, 17 wall hours on the 24/7 one.
    ['normal, paused 2 working hours', 'normal', msk('2026-11-23T09:00'), { businessSeconds: 7200, wallSeconds: 61200 }, 'Mon 2026-11-23 15:00', 'Wed 2026-11-25 17:00'],
    ['normal, paused 5 working hours: due at closing time, not the next opening', 'normal', msk('2026-11-23T09:00'), { businessSeconds: 18000, wallSeconds: 72000 }, 'Mon 2026-11-23 18:00', 'Thu 2026-11-26 11:00'],
    ['urgent, paused 17 wall hours', 'urgent', msk('2026-11-27T16:00'), { businessSeconds: 7200, wallSeconds: 61200 }, 'Sat 2026-11-28 09:30', 'Sat 2026-11-28 13:00'],
  ])('%s', (_name, priority, openedAt, paused, firstResponseDue, resolutionDue) => {
    const due = slaDueDates(settings, priority, openedAt, paused);
    expect([local(due.firstResponseDue!), local(due.resolutionDue!)]).toEqual([firstResponseDue, resolutionDue]);
  });
});

describe('pendingSlaSteps of an untouched ticket', () => {
  it.each([
    [
      'normal, Monday morning: reminder at 80% of working time',
      untouched('normal', msk('2026-11-23T09:00')),
      [
        'firstResponse reminder Mon 2026-11-23 12:12',
        'firstResponse breach Mon 2026-11-23 13:00',
        'firstResponse escalation Mon 2026-11-23 15:00',
        'resolution reminder Wed 2026-11-25 10:12',
        'resolution breach Wed 2026-11-25 15:00',
        'resolution escalation Wed 2026-11-25 17:00',
      ],
    ],
    [
      'normal, Monday afternoon: reminder after the night',
      untouched('normal', msk('2026-11-23T16:00')),
      [
        'firstResponse reminder Tue 2026-11-24 10:12',
        'firstResponse breach Tue 2026-11-24 11:00',
        'firstResponse escalation Tue 2026-11-24 13:00',
        'resolution reminder Wed 2026-11-25 17:12',
        'resolution breach Thu 2026-11-26 13:00',
        'resolution escalation Thu 2026-11-26 15:00',
      ],
    ],
    [
      'normal, Friday afternoon: reminder after the weekend',
      untouched('normal', msk('2026-11-27T16:00')),
      [
        'firstResponse reminder Mon 2026-11-30 10:12',
        'firstResponse breach Mon 2026-11-30 11:00',
        'firstResponse escalation Mon 2026-11-30 13:00',
        'resolution reminder Tue 2026-12-01 17:12',
        'resolution breach Wed 2026-12-02 13:00',
        'resolution escalation Wed 2026-12-02 15:00',
      ],
    ],
    [
      'normal, Friday night: the clock starts on Monday',
      untouched('normal', msk('2026-11-27T22:00')),
      [
        'firstResponse reminder Mon 2026-11-30 12:12',
        'firstResponse breach Mon 2026-11-30 13:00',
        'firstResponse escalation Mon 2026-11-30 15:00',
        'resolution reminder Wed 2026-12-02 10:12',
        'resolution breach Wed 2026-12-02 15:00',
        'resolution escalation Wed 2026-12-02 17:00',
      ],
    ],
    [
      'normal, holiday eve: the holiday does not count',
      untouched('normal', msk('2026-12-30T17:00')),
      [
        'firstResponse reminder Fri 2027-01-01 11:12',
        'firstResponse breach Fri 2027-01-01 12:00',
        'firstResponse escalation Fri 2027-01-01 14:00',
        'resolution reminder Tue 2027-01-05 09:12',
        'resolution breach Tue 2027-01-05 14:00',
        'resolution escalation Tue 2027-01-05 16:00',
      ],
    ],
    [
      'high, late Monday: escalation continues next morning on the business clock',
      untouched('high', msk('2026-11-23T16:30')),
      [
        'firstResponse reminder Mon 2026-11-23 17:18',
        'firstResponse breach Mon 2026-11-23 17:30',
        'firstResponse escalation Tue 2026-11-24 10:30',
        'resolution reminder Tue 2026-11-24 13:54',
        'resolution breach Tue 2026-11-24 15:30',
        'resolution escalation Tue 2026-11-24 17:30',
      ],
    ],
    [
      'urgent 24/7, Friday afternoon: everything after hours counts',
      untouched('urgent', msk('2026-11-27T16:00')),
      [
        'firstResponse reminder Fri 2026-11-27 16:24',
        'firstResponse breach Fri 2026-11-27 16:30',
        'firstResponse escalation Fri 2026-11-27 18:30',
        'resolution reminder Fri 2026-11-27 19:12',
        'resolution breach Fri 2026-11-27 20:00',
        'resolution escalation Fri 2026-11-27 22:00',
      ],
    ],
    [
      'urgent 24/7, Saturday night',
      untouched('urgent', msk('2026-11-28T23:00')),
      [
        'firstResponse reminder Sat 2026-11-28 23:24',
        'firstResponse breach Sat 2026-11-28 23:30',
        'firstResponse escalation Sun 2026-11-29 01:30',
        'resolution reminder Sun 2026-11-29 02:12',
        'resolution breach Sun 2026-11-29 03:00',
        'resolution escalation Sun 2026-11-29 05:00',
      ],
    ],
    [
      'normal, paused 2 working hours: every step 2 working hours later',
      untouched('normal', msk('2026-11-23T09:00'), { businessSeconds: 7200, wallSeconds: 61200 }),
      [
        'firstResponse reminder Mon 2026-11-23 14:12',
        'firstResponse breach Mon 2026-11-23 15:00',
        'firstResponse escalation Mon 2026-11-23 17:00',
        'resolution reminder Wed 2026-11-25 12:12',
        'resolution breach Wed 2026-11-25 17:00',
        'resolution escalation Thu 2026-11-26 10:00',
      ],
    ],
    [
      'urgent, paused 17 wall hours: every step 17 hours later',
      untouched('urgent', msk('2026-11-27T16:00'), { businessSeconds: 7200, wallSeconds: 61200 }),
      [
        'firstResponse reminder Sat 2026-11-28 09:24',
        'firstResponse breach Sat 2026-11-28 09:30',
        'firstResponse escalation Sat 2026-11-28 11:30',
        'resolution reminder Sat 2026-11-28 12:12',
        'resolution breach Sat 2026-11-28 13:00',
        'resolution escalation Sat 2026-11-28 15:00',
      ],
    ],
  ])('%s', (_name, ticket, expected) => {
    const steps = pendingSlaSteps(settings, ticket);
    expect(show(steps)).toEqual(expected);
    expect(nextSlaStepAt(steps)).toEqual(steps[0]!.at);
  });
});

describe('pendingSlaSteps as the steps run', () => {
  // Normal ticket opened Monday 09:00: first response due 13:00, resolution due Wednesday 15:00.
  const openedAt = msk('2026-11-23T09:00');
  const firstResponseDue = msk('2026-11-23T13:00');
  const resolutionDue = msk('2026-11-25T15:00');
  const firstResponse = (state: Partial<SlaTargetState>) => ({ ...fresh(firstResponseDue), ...state });
  const resolution = (state: Partial<SlaTargetState>) => ({ ...fresh(resolutionDue), ...state });
  const resolutionSteps = ['resolution reminder Wed 2026-11-25 10:12', 'resolution breach Wed 2026-11-25 15:00', 'resolution escalation Wed 2026-11-25 17:00'];

  it.each([
    ['reminded: the breach and escalation remain', firstResponse({ remindedAt: msk('2026-11-23T12:12') }), resolution({}), [
      'firstResponse breach Mon 2026-11-23 13:00',
      'firstResponse escalation Mon 2026-11-23 15:00',
      ...resolutionSteps,
    ]],
    ['breached without a reminder: no reminder once breached', firstResponse({ breached: true }), resolution({}), [
      'firstResponse escalation Mon 2026-11-23 15:00',
      ...resolutionSteps,
    ]],
    ['breached and escalated: nothing left for the target', firstResponse({ remindedAt: msk('2026-11-23T12:12'), breached: true, escalatedAt: msk('2026-11-23T15:00') }), resolution({}), resolutionSteps],
    ['answered: no first-response steps', firstResponse({ met: true }), resolution({}), resolutionSteps],
    ['answered late, after its breach: no first-response steps', firstResponse({ met: true, breached: true }), resolution({}), resolutionSteps],
    ['both met: no steps', firstResponse({ met: true }), resolution({ met: true }), []],
    ['resolution breached, not escalated', firstResponse({ met: true }), resolution({ remindedAt: msk('2026-11-25T10:12'), breached: true }), ['resolution escalation Wed 2026-11-25 17:00']],
    ['no resolution due date: no resolution steps', firstResponse({ met: true }), resolution({ due: null }), []],
    ['the due date given is what counts', firstResponse({ met: true }), resolution({ due: msk('2026-11-27T17:30') }), [
      'resolution reminder Wed 2026-11-25 10:12',
      'resolution breach Fri 2026-11-27 17:30',
      'resolution escalation Mon 2026-11-30 10:30',
    ]],
    ['a due date before the reminder: no reminder', firstResponse({ met: true }), resolution({ due: msk('2026-11-24T12:00') }), [
      'resolution breach Tue 2026-11-24 12:00',
      'resolution escalation Tue 2026-11-24 14:00',
    ]],
  ])('%s', (_name, first, resolved, expected) => {
    expect(show(pendingSlaSteps(settings, input('normal', openedAt, first, resolved)))).toEqual(expected);
  });

  it('gives no steps while paused, for an unknown priority or without settings', () => {
    const ticket = untouched('normal', openedAt);
    expect(pendingSlaSteps(settings, { ...ticket, paused: true })).toEqual([]);
    expect(pendingSlaSteps(settings, { ...ticket, priority: 'low' })).toEqual([]);
    expect(pendingSlaSteps(null, ticket)).toEqual([]);
    expect(pendingSlaSteps(undefined, ticket)).toEqual([]);
    expect(nextSlaStepAt([])).toBeNull();
  });
});

describe('escalation delay on the target clock', () => {
  // A first response breached at `due`; escalation 120 minutes later on the clock of the priority.
  it.each([
    ['business clock, breach near closing', 'normal', msk('2026-11-27T17:30'), 'Mon 2026-11-30 10:30'],
    ['24/7 clock, breach near closing', 'urgent', msk('2026-11-27T17:30'), 'Fri 2026-11-27 19:30'],
    ['business clock, breach on Saturday', 'normal', msk('2026-11-28T12:00'), 'Mon 2026-11-30 11:00'],
    ['24/7 clock, breach on Saturday', 'urgent', msk('2026-11-28T12:00'), 'Sat 2026-11-28 14:00'],
    ['business clock, breach on holiday eve', 'normal', msk('2026-12-30T17:00'), 'Fri 2027-01-01 10:00'],
    ['24/7 clock, breach on holiday eve', 'urgent', msk('2026-12-30T17:00'), 'Wed 2026-12-30 19:00'],
    ['business clock, breach at noon', 'normal', msk('2026-11-24T12:00'), 'Tue 2026-11-24 14:00'],
  ])('%s', (_name, priority, due, expected) => {
    const breached = { ...fresh(due), breached: true };
    const steps = pendingSlaSteps(settings, input(priority, msk('2026-11-23T09:00'), breached, { ...fresh(null), met: true }));
    expect(show(steps)).toEqual([`firstResponse escalation ${expected}`]);
  });
});

describe('escalation settings', () => {
  it.each([
    ['reminder at half, escalation after 30 min', { remindAt: 0.5, escalateAfter: 30 }, [
      'firstResponse reminder Mon 2026-11-23 11:00',
      'firstResponse breach Mon 2026-11-23 13:00',
      'firstResponse escalation Mon 2026-11-23 13:30',
    ]],
    ['reminder at the due date: none', { remindAt: 1, escalateAfter: 120 }, ['firstResponse breach Mon 2026-11-23 13:00', 'firstResponse escalation Mon 2026-11-23 15:00']],
    ['escalation right at the breach', { remindAt: 0.8, escalateAfter: 0 }, [
      'firstResponse reminder Mon 2026-11-23 12:12',
      'firstResponse breach Mon 2026-11-23 13:00',
      'firstResponse escalation Mon 2026-11-23 13:00',
    ]],
  ])('%s', (_name, escalation, expected) => {
    const ticket = input('normal', msk('2026-11-23T09:00'), fresh(msk('2026-11-23T13:00')), { ...fresh(null), met: true });
    expect(show(pendingSlaSteps({ ...settings, escalation }, ticket))).toEqual(expected);
  });

  it('defaults to a reminder at 80% and escalation 2 hours after the breach', () => {
    const ticket = input('normal', msk('2026-11-23T09:00'), fresh(msk('2026-11-23T13:00')), { ...fresh(null), met: true });
    const withoutEscalation: SlaSettings = { ...settings };
    delete withoutEscalation.escalation;
    expect(show(pendingSlaSteps(withoutEscalation, ticket))).toEqual([
      'firstResponse reminder Mon 2026-11-23 12:12',
      'firstResponse breach Mon 2026-11-23 13:00',
      'firstResponse escalation Mon 2026-11-23 15:00',
    ]);
  });
});
