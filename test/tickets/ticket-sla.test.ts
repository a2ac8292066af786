import { Types } from 'mongoose';
import { describe, expect, it } from 'vitest';
import type { Ticket, TicketMetrics, TicketSla, TicketStatus } from '../../src/db/models/ticket.js';
import type { SlaSettings } from '../../src/sla/sla-due-dates.js';
import { initialSla, slaChanges } from '../../src/tickets/ticket-sla.js';

const nineToSix = [{ from: '09:00', to: '18:00' }];
const weekdays = { mon: nineToSix, tue: nineToSix, wed: nineToSix, thu: nineToSix, fri: nineToSix };
const targets: SlaSettings['sla'] = {
  low: { firstResponse: 480, resolution: 2880, clock: 'business' },
  normal: { firstResponse: 240, resolution: 1440, clock: 'business' },
  high: { firstResponse: 60, resolution: 480, clock: 'business' },
  urgent: { firstResponse: 30, resolution: 240, clock: '24/7' },
};
// 23 Nov 2026 is a Monday; 31 Dec 2026 a Thursday (a holiday in Moscow), 26 Nov 2026 Thanksgiving in New York.
const it_: SlaSettings = { timezone: 'Europe/Moscow', hours: weekdays, holidays: ['2026-12-31'], sla: targets, escalation: { remindAt: 0.8, escalateAfter: 120 } };
const newYork: SlaSettings = { timezone: 'America/New_York', hours: weekdays, holidays: ['2026-11-26'], sla: { normal: targets.normal } };

// Moscow is UTC+3 all year; New York is UTC-5 in November.
const msk = (local: string) => new Date(`${local}+03:00`);
const nyc = (local: string) => new Date(`${local}-05:00`);

interface TicketFields {
  createdAt: Date;
  status?: TicketStatus;
  priority?: Ticket['priority'];
  department?: string;
  sla?: Partial<TicketSla>;
  metrics?: Partial<TicketMetrics>;
}

function ticket(fields: TicketFields): Ticket {
  return {
    _id: new Types.ObjectId(),
    number: 1042,
    title: 'VPN drops',
    description: 'VPN drops every hour',
    requesterId: new Types.ObjectId(),
    requester: { name: 'Rita' },
    department: fields.department ?? 'it',
    category: null,
    priority: fields.priority ?? 'normal',
    status: fields.status ?? 'in_progress',
    assigneeId: new Types.ObjectId(),
    assigneeName: 'Ivan',
    watchers: [],
    tags: [],
    source: 'telegram',
    attachments: [],
    sla: {
      firstResponseDue: null,
      resolutionDue: null,
      firstResponseBreached: false,
      resolutionBreached: false,
      pausedAt: null,
      pausedBusinessSeconds: 0,
      pausedWallSeconds: 0,
      firstResponseRemindedAt: null,
      resolutionRemindedAt: null,
      firstResponseEscalatedAt: null,
      resolutionEscalatedAt: null,
      nextStepAt: null,
      ...fields.sla,
    },
    metrics: {
      firstResponseAt: null,
      firstResponseSeconds: null,
      firstResponseBusinessSeconds: null,
      resolvedAt: null,
      resolutionSeconds: null,
      resolutionBusinessSeconds: null,
      reopenCount: 0,
      createdHourOfWeek: 0,
      ...fields.metrics,
    },
    rating: null,
    publicKeywords: [],
    staffKeywords: [],
    commentCount: 1,
    version: 3,
    createdAt: fields.createdAt,
    updatedAt: fields.createdAt,
    closedAt: null,
  };
}

/** What a moved due date resets: the reminder and escalation of both targets run again. */
const resetBoth = {
  'sla.firstResponseRemindedAt': null,
  'sla.firstResponseEscalatedAt': null,
  'sla.resolutionRemindedAt': null,
  'sla.resolutionEscalatedAt': null,
};

// The ticket most cases start from: normal priority, opened Monday 09:00, first response due
// 13:00 (reminder 12:12), resolution due Wednesday 15:00 (reminder 10:12), escalations 2 working hours later.
const monday = msk('2026-11-23T09:00');
const normalDue = { firstResponseDue: msk('2026-11-23T13:00'), resolutionDue: msk('2026-11-25T15:00') };
const answered = { firstResponseAt: msk('2026-11-23T09:30'), firstResponseSeconds: 1800, firstResponseBusinessSeconds: 1800 };

describe('initialSla', () => {
  it.each([
    ['normal, Monday morning', it_, 'normal', monday, msk('2026-11-23T13:00'), msk('2026-11-25T15:00'), msk('2026-11-23T12:12')],
    ['normal, Friday night', it_, 'normal', msk('2026-11-27T22:00'), msk('2026-11-30T13:00'), msk('2026-12-02T15:00'), msk('2026-11-30T12:12')],
    ['normal, holiday eve', it_, 'normal', msk('2026-12-30T20:00'), msk('2027-01-01T13:00'), msk('2027-01-05T15:00'), msk('2027-01-01T12:12')],
    ['urgent 24/7, Saturday night', it_, 'urgent', msk('2026-11-28T23:00'), msk('2026-11-28T23:30'), msk('2026-11-29T03:00'), msk('2026-11-28T23:24')],
    ['no target for the priority', newYork, 'urgent', monday, null, null, null],
    ['no department settings', undefined, 'normal', monday, null, null, null],
  ])('%s', (_name, settings, priority, openedAt, firstResponseDue, resolutionDue, nextStepAt) => {
    expect(initialSla(settings, priority, openedAt)).toEqual({
      firstResponseDue,
      resolutionDue,
      firstResponseBreached: false,
      resolutionBreached: false,
      pausedAt: null,
      pausedBusinessSeconds: 0,
      pausedWallSeconds: 0,
      firstResponseRemindedAt: null,
      resolutionRemindedAt: null,
      firstResponseEscalatedAt: null,
      resolutionEscalatedAt: null,
      nextStepAt,
    });
  });
});

describe('slaChanges: pause while waiting for the requester', () => {
  const working = ticket({ createdAt: monday, sla: { ...normalDue, nextStepAt: msk('2026-11-25T10:12') }, metrics: answered });
  const waiting = ticket({ createdAt: monday, status: 'waiting', sla: { ...normalDue, pausedAt: msk('2026-11-23T10:00') }, metrics: answered });

  it.each([
    ['waiting starts the pause and stops the steps', working, { status: 'waiting' }, msk('2026-11-23T10:00'), { 'sla.pausedAt': msk('2026-11-23T10:00'), 'sla.nextStepAt': null }],
    ['a comment while waiting changes nothing', waiting, { commentCount: 2 }, msk('2026-11-24T12:00'), {}],
    ['a change of status between pausing ones keeps the pause', waiting, { status: 'closed' }, msk('2026-11-24T12:00'), {}],
    [
      'closing from waiting counts the working time before the pause only',
      waiting,
      { status: 'closed', closedAt: msk('2026-11-27T12:00'), 'metrics.resolvedAt': msk('2026-11-27T12:00') },
      msk('2026-11-27T12:00'),
      { 'metrics.resolutionBusinessSeconds': 3600 },
    ],
  ])('%s', (_name, before, set, now, expected) => {
    expect(slaChanges(before, set, it_, now)).toEqual(expected);
  });
});

describe('slaChanges: resume shifts the due dates by the working time of the pause', () => {
  it.each([
    {
      name: 'paused overnight: 2 working hours of 17',
      priority: 'normal' as const, openedAt: monday, due: normalDue, pausedBefore: 0, wallBefore: 0,
      pausedAt: msk('2026-11-23T17:00'), resumedAt: msk('2026-11-24T10:00'),
      paused: 7200, wall: 61200,
      moved: { firstResponseDue: msk('2026-11-23T15:00'), resolutionDue: msk('2026-11-25T17:00') }, next: msk('2026-11-25T12:12'),
    },
    {
      name: 'paused within the day',
      priority: 'normal' as const, openedAt: monday, due: normalDue, pausedBefore: 0, wallBefore: 0,
      pausedAt: msk('2026-11-23T10:00'), resumedAt: msk('2026-11-23T11:30'),
      paused: 5400, wall: 5400,
      moved: { firstResponseDue: msk('2026-11-23T14:30'), resolutionDue: msk('2026-11-25T16:30') }, next: msk('2026-11-25T11:42'),
    },
    {
      name: 'paused over a weekend: 1 working hour of 64',
      priority: 'normal' as const, openedAt: msk('2026-11-27T16:00'),
      due: { firstResponseDue: msk('2026-11-30T11:00'), resolutionDue: msk('2026-12-02T13:00') }, pausedBefore: 0, wallBefore: 0,
      pausedAt: msk('2026-11-27T17:00'), resumedAt: msk('2026-11-30T09:00'),
      paused: 3600, wall: 230400,
      moved: { firstResponseDue: msk('2026-11-30T12:00'), resolutionDue: msk('2026-12-02T14:00') }, next: msk('2026-12-02T09:12'),
    },
    {
      name: 'paused over a holiday: 2 working hours of 41',
      priority: 'normal' as const, openedAt: msk('2026-12-30T10:00'),
      due: { firstResponseDue: msk('2026-12-30T14:00'), resolutionDue: msk('2027-01-04T16:00') }, pausedBefore: 0, wallBefore: 0,
      pausedAt: msk('2026-12-30T17:00'), resumedAt: msk('2027-01-01T10:00'),
      paused: 7200, wall: 147600,
      moved: { firstResponseDue: msk('2026-12-30T16:00'), resolutionDue: msk('2027-01-04T18:00') }, next: msk('2027-01-04T13:12'),
    },
    {
      name: 'paused outside working hours only: due dates stay',
      priority: 'normal' as const, openedAt: monday, due: normalDue, pausedBefore: 0, wallBefore: 0,
      pausedAt: msk('2026-11-23T18:30'), resumedAt: msk('2026-11-24T08:30'),
      paused: 0, wall: 50400,
      moved: null, next: msk('2026-11-25T10:12'),
    },
    {
      name: 'a second pause adds to the first',
      priority: 'normal' as const, openedAt: monday,
      due: { firstResponseDue: msk('2026-11-23T14:00'), resolutionDue: msk('2026-11-25T16:00') }, pausedBefore: 3600, wallBefore: 3600,
      pausedAt: msk('2026-11-23T17:00'), resumedAt: msk('2026-11-24T10:00'),
      paused: 10800, wall: 64800,
      moved: { firstResponseDue: msk('2026-11-23T16:00'), resolutionDue: msk('2026-11-25T18:00') }, next: msk('2026-11-25T13:12'),
    },
    {
      name: 'urgent 24/7: shifted by the wall time of the pause',
      priority: 'urgent' as const, openedAt: msk('2026-11-27T16:00'),
      due: { firstResponseDue: msk('2026-11-27T16:30'), resolutionDue: msk('2026-11-27T20:00') }, pausedBefore: 0, wallBefore: 0,
      pausedAt: msk('2026-11-27T17:00'), resumedAt: msk('2026-11-28T10:00'),
      paused: 3600, wall: 61200,
      moved: { firstResponseDue: msk('2026-11-28T09:30'), resolutionDue: msk('2026-11-28T13:00') }, next: msk('2026-11-28T12:12'),
    },
  ])('$name', ({ priority, openedAt, due, pausedBefore, wallBefore, pausedAt, resumedAt, paused, wall, moved, next }) => {
    const before = ticket({
      createdAt: openedAt,
      priority,
      status: 'waiting',
      sla: { ...due, pausedAt, pausedBusinessSeconds: pausedBefore, pausedWallSeconds: wallBefore },
      metrics: { firstResponseAt: new Date(openedAt.getTime() + 600_000) },
    });
    expect(slaChanges(before, { status: 'in_progress' }, it_, resumedAt)).toEqual({
      'sla.pausedAt': null,
      'sla.pausedBusinessSeconds': paused,
      'sla.pausedWallSeconds': wall,
      ...(moved && { 'sla.firstResponseDue': moved.firstResponseDue, 'sla.resolutionDue': moved.resolutionDue, ...resetBoth }),
      'sla.nextStepAt': next,
    });
  });
});

describe('slaChanges: resolution time in working hours and the late flag', () => {
  const resolve = (now: Date) => ({ status: 'resolved', 'metrics.resolvedAt': now, 'metrics.resolutionSeconds': 0 });
  const close = (now: Date) => ({ status: 'closed', closedAt: now, 'metrics.resolvedAt': now });
  const inProgress = (sla: Partial<TicketSla> = {}) => ticket({ createdAt: monday, sla: { ...normalDue, nextStepAt: msk('2026-11-25T10:12'), ...sla }, metrics: answered });
  const waitingSince = (pausedAt: Date) => ticket({ createdAt: monday, status: 'waiting', sla: { ...normalDue, pausedAt }, metrics: answered });

  it.each([
    ['resolved an hour early', inProgress(), resolve, msk('2026-11-25T14:00'), 82800, false],
    ['resolved at the due minute', inProgress(), resolve, msk('2026-11-25T15:00'), 86400, false],
    ['resolved a minute late', inProgress(), resolve, msk('2026-11-25T15:01'), 86460, true],
    ['resolved in the evening after the due date', inProgress(), resolve, msk('2026-11-25T20:00'), 97200, true],
    ['resolved on Saturday: the whole working week', inProgress(), resolve, msk('2026-11-28T12:00'), 162000, true],
    ['closed without resolving, in time', inProgress(), close, msk('2026-11-25T14:00'), 82800, false],
    [
      'an earlier pause of 2 working hours is not counted',
      inProgress({ resolutionDue: msk('2026-11-25T17:00'), pausedBusinessSeconds: 7200, pausedWallSeconds: 61200 }),
      resolve,
      msk('2026-11-25T16:00'),
      82800,
      false,
    ],
  ])('%s', (_name, before, change, now, seconds, late) => {
    expect(slaChanges(before, change(now), it_, now)).toEqual({
      'sla.pausedAt': now,
      'metrics.resolutionBusinessSeconds': seconds,
      ...(late && { 'sla.resolutionBreached': true }),
      'sla.nextStepAt': null,
    });
  });

  it.each([
    // Regression: the clock stood still since 10:00 Monday, one working hour after opening; it was flagged late.
    ['resolved from waiting: the pause is neither counted nor late', waitingSince(msk('2026-11-23T10:00')), msk('2026-11-27T12:00'), 3600, false],
    ['resolved from waiting that began after the due date: late', waitingSince(msk('2026-11-25T16:00')), msk('2026-11-27T12:00'), 90000, true],
    ['already breached: the flag is not set again', inProgress({ resolutionBreached: true, nextStepAt: null }), msk('2026-11-26T12:00'), 108000, false],
  ])('%s', (_name, before, now, seconds, late) => {
    const changes = slaChanges(before, resolve(now), it_, now);
    expect(changes['metrics.resolutionBusinessSeconds']).toBe(seconds);
    expect(changes['sla.resolutionBreached']).toBe(late ? true : undefined);
  });
});

describe('slaChanges: first response time in working hours and the late flag', () => {
  const unanswered = (openedAt: Date, due: typeof normalDue, nextStepAt: Date) => ticket({ createdAt: openedAt, status: 'new', sla: { ...due, nextStepAt } });
  const fridayNightDue = { firstResponseDue: msk('2026-11-30T13:00'), resolutionDue: msk('2026-12-02T15:00') };
  const holidayEveDue = { firstResponseDue: msk('2027-01-01T13:00'), resolutionDue: msk('2027-01-05T15:00') };

  it.each([
    ['answered in time', unanswered(monday, normalDue, msk('2026-11-23T12:12')), msk('2026-11-23T12:59'), 14340, false, msk('2026-11-25T10:12')],
    ['answered at the due minute', unanswered(monday, normalDue, msk('2026-11-23T12:12')), msk('2026-11-23T13:00'), 14400, false, msk('2026-11-25T10:12')],
    ['answered an hour late', unanswered(monday, normalDue, msk('2026-11-23T12:12')), msk('2026-11-23T14:00'), 18000, true, msk('2026-11-25T10:12')],
    ['opened Friday night, answered Monday 09:30', unanswered(msk('2026-11-27T22:00'), fridayNightDue, msk('2026-11-30T12:12')), msk('2026-11-30T09:30'), 1800, false, msk('2026-12-02T10:12')],
    ['opened on Sunday, answered on Sunday', unanswered(msk('2026-11-29T15:00'), fridayNightDue, msk('2026-11-30T12:12')), msk('2026-11-29T16:00'), 0, false, msk('2026-12-02T10:12')],
    ['opened on holiday eve, answered on the holiday', unanswered(msk('2026-12-30T20:00'), holidayEveDue, msk('2027-01-01T12:12')), msk('2026-12-31T11:00'), 0, false, msk('2027-01-05T10:12')],
    ['opened on holiday eve, answered after it', unanswered(msk('2026-12-30T20:00'), holidayEveDue, msk('2027-01-01T12:12')), msk('2027-01-01T09:15'), 900, false, msk('2027-01-05T10:12')],
  ])('%s', (_name, before, now, seconds, late, next) => {
    expect(slaChanges(before, { 'metrics.firstResponseAt': now, 'metrics.firstResponseSeconds': 0 }, it_, now)).toEqual({
      'metrics.firstResponseBusinessSeconds': seconds,
      ...(late && { 'sla.firstResponseBreached': true }),
      'sla.nextStepAt': next,
    });
  });

  it('does not flag a first response late while the clock stands still', () => {
    // Set to waiting at 10:00 without a reply; answered at 15:00, after the (unmoved) due date of 13:00.
    const before = ticket({ createdAt: monday, status: 'waiting', sla: { ...normalDue, pausedAt: msk('2026-11-23T10:00') } });
    const now = msk('2026-11-23T15:00');
    expect(slaChanges(before, { 'metrics.firstResponseAt': now }, it_, now)).toEqual({ 'metrics.firstResponseBusinessSeconds': 3600 });
  });

  it('records the first response once', () => {
    const before = ticket({ createdAt: monday, sla: { ...normalDue, nextStepAt: msk('2026-11-25T10:12') }, metrics: answered });
    const now = msk('2026-11-23T14:00');
    expect(slaChanges(before, { 'metrics.firstResponseAt': now }, it_, now)).toEqual({});
  });
});

describe('slaChanges: reopen', () => {
  const resolvedAt = msk('2026-11-25T14:00');
  const resolved = (status: TicketStatus) =>
    ticket({ createdAt: monday, status, sla: { ...normalDue, pausedAt: resolvedAt }, metrics: { ...answered, resolvedAt, resolutionSeconds: 190800, resolutionBusinessSeconds: 82800 } });
  const reopen = { status: 'in_progress', closedAt: null, 'metrics.resolvedAt': null, 'metrics.resolutionSeconds': null, 'metrics.reopenCount': 1 };

  it.each([
    // Resolved Wednesday 14:00, reopened Thursday 10:00: 4 + 1 working hours of 20.
    ['from resolved', resolved('resolved')],
    ['from closed', resolved('closed')],
  ])('%s: clears the resolution metric and resumes the clock', (_name, before) => {
    expect(slaChanges(before, reopen, it_, msk('2026-11-26T10:00'))).toEqual({
      'sla.pausedAt': null,
      'sla.pausedBusinessSeconds': 18000,
      'sla.pausedWallSeconds': 72000,
      'sla.firstResponseDue': msk('2026-11-23T18:00'),
      'sla.resolutionDue': msk('2026-11-26T11:00'),
      ...resetBoth,
      'metrics.resolutionBusinessSeconds': null,
      // 80% of the moved target had passed before the reopen: the reminder runs at once.
      'sla.nextStepAt': msk('2026-11-25T15:12'),
    });
  });

  it('measures the second resolution without the time it stood resolved', () => {
    const reopened = ticket({
      createdAt: monday,
      sla: { firstResponseDue: msk('2026-11-23T18:00'), resolutionDue: msk('2026-11-26T11:00'), pausedBusinessSeconds: 18000, pausedWallSeconds: 72000 },
      metrics: { ...answered, reopenCount: 1 },
    });
    const now = msk('2026-11-26T12:00');
    // Working time from opening: 27 + 3 hours, less 5 hours resolved; the moved due date was 11:00.
    expect(slaChanges(reopened, { status: 'resolved', 'metrics.resolvedAt': now }, it_, now)).toEqual({
      'sla.pausedAt': now,
      'metrics.resolutionBusinessSeconds': 90000,
      'sla.resolutionBreached': true,
    });
  });
});

describe('slaChanges: priority', () => {
  const unanswered = (sla: Partial<TicketSla> = {}) => ticket({ createdAt: monday, sla: { ...normalDue, nextStepAt: msk('2026-11-23T12:12'), ...sla } });

  it.each([
    ['raised to high: due dates earlier', unanswered(), 'high', msk('2026-11-23T09:30'), {
      'sla.firstResponseDue': msk('2026-11-23T10:00'),
      'sla.resolutionDue': msk('2026-11-23T17:00'),
      ...resetBoth,
      'sla.nextStepAt': msk('2026-11-23T09:48'),
    }],
    ['raised to urgent: the 24/7 clock', unanswered(), 'urgent', msk('2026-11-23T09:10'), {
      'sla.firstResponseDue': msk('2026-11-23T09:30'),
      'sla.resolutionDue': msk('2026-11-23T13:00'),
      ...resetBoth,
      'sla.nextStepAt': msk('2026-11-23T09:24'),
    }],
    ['raised after the reminder: the reminder runs again for the new due date', unanswered({ firstResponseRemindedAt: msk('2026-11-23T12:12'), nextStepAt: msk('2026-11-23T13:00') }), 'high', msk('2026-11-23T12:30'), {
      'sla.firstResponseDue': msk('2026-11-23T10:00'),
      'sla.resolutionDue': msk('2026-11-23T17:00'),
      ...resetBoth,
      'sla.nextStepAt': msk('2026-11-23T09:48'),
    }],
    ['lowered after the reminder: a new reminder later', unanswered({ firstResponseRemindedAt: msk('2026-11-23T12:12'), nextStepAt: msk('2026-11-23T13:00') }), 'low', msk('2026-11-23T12:30'), {
      'sla.firstResponseDue': msk('2026-11-23T17:00'),
      'sla.resolutionDue': msk('2026-11-30T12:00'),
      ...resetBoth,
      'sla.nextStepAt': msk('2026-11-23T15:24'),
    }],
    ['lowered after the breach and escalation: the breach stays', unanswered({
      firstResponseRemindedAt: msk('2026-11-23T12:12'), firstResponseBreached: true, firstResponseEscalatedAt: msk('2026-11-23T15:00'), nextStepAt: msk('2026-11-25T10:12'),
    }), 'low', msk('2026-11-23T16:00'), {
      'sla.firstResponseDue': msk('2026-11-23T17:00'),
      'sla.resolutionDue': msk('2026-11-30T12:00'),
      'sla.resolutionRemindedAt': null,
      'sla.resolutionEscalatedAt': null,
      'sla.nextStepAt': msk('2026-11-27T11:24'),
    }],
    ['lowered after the breach, before the escalation: escalation 2 working hours after the new due date', unanswered({
      firstResponseRemindedAt: msk('2026-11-23T12:12'), firstResponseBreached: true, nextStepAt: msk('2026-11-23T15:00'),
    }), 'low', msk('2026-11-23T14:00'), {
      'sla.firstResponseDue': msk('2026-11-23T17:00'),
      'sla.resolutionDue': msk('2026-11-30T12:00'),
      'sla.resolutionRemindedAt': null,
      'sla.resolutionEscalatedAt': null,
      'sla.nextStepAt': msk('2026-11-24T10:00'),
    }],
    ['the same priority: nothing', unanswered(), 'normal', msk('2026-11-23T09:30'), {}],
  ])('%s', (_name, before, priority, now, expected) => {
    expect(slaChanges(before, { priority }, it_, now)).toEqual(expected);
  });

  it('keeps a breach when the first response comes before the lowered due date', () => {
    const before = ticket({
      createdAt: monday,
      priority: 'low',
      sla: { firstResponseDue: msk('2026-11-23T17:00'), resolutionDue: msk('2026-11-30T12:00'), firstResponseBreached: true, firstResponseEscalatedAt: msk('2026-11-23T15:00'), nextStepAt: msk('2026-11-27T11:24') },
    });
    const now = msk('2026-11-23T16:30');
    expect(slaChanges(before, { 'metrics.firstResponseAt': now }, it_, now)).toEqual({ 'metrics.firstResponseBusinessSeconds': 27000 });
  });
});

describe('slaChanges: transfer to another department', () => {
  // Opened Monday 09:00 in Moscow, which is 01:00 in New York.
  const inMoscow = (openedAt: Date, due: typeof normalDue, nextStepAt: Date) => ticket({ createdAt: openedAt, sla: { ...due, nextStepAt } });

  it.each([
    ['to New York: due dates in New York hours', inMoscow(monday, normalDue, msk('2026-11-23T12:12')), msk('2026-11-23T09:30'), {
      'sla.firstResponseDue': nyc('2026-11-23T13:00'),
      'sla.resolutionDue': nyc('2026-11-25T15:00'),
      ...resetBoth,
      'sla.nextStepAt': nyc('2026-11-23T12:12'),
    }],
    ['to New York over Thanksgiving', inMoscow(msk('2026-11-25T09:00'), { firstResponseDue: msk('2026-11-25T13:00'), resolutionDue: msk('2026-11-27T15:00') }, msk('2026-11-25T12:12')), msk('2026-11-25T09:30'), {
      'sla.firstResponseDue': nyc('2026-11-25T13:00'),
      'sla.resolutionDue': nyc('2026-11-30T15:00'),
      ...resetBoth,
      'sla.nextStepAt': nyc('2026-11-25T12:12'),
    }],
  ])('%s', (_name, before, now, expected) => {
    expect(slaChanges(before, { department: 'ny' }, newYork, now)).toEqual(expected);
  });

  it('drops the due dates in a department without a target, and changes nothing for the same department', () => {
    const before = inMoscow(monday, normalDue, msk('2026-11-23T12:12'));
    const now = msk('2026-11-23T09:30');
    expect(slaChanges(before, { department: 'sales' }, undefined, now)).toEqual({
      'sla.firstResponseDue': null,
      'sla.resolutionDue': null,
      ...resetBoth,
      'sla.nextStepAt': null,
    });
    expect(slaChanges(before, { department: 'it' }, it_, now)).toEqual({});
  });
});

describe('slaChanges: the SLA job records a step', () => {
  const base = { createdAt: monday };
  it.each([
    ['reminder sent: next is the breach', ticket({ ...base, sla: { ...normalDue, nextStepAt: msk('2026-11-23T12:12') } }), { 'sla.firstResponseRemindedAt': msk('2026-11-23T12:12') }, msk('2026-11-23T12:12'), msk('2026-11-23T13:00')],
    ['breach recorded: next is the escalation', ticket({ ...base, sla: { ...normalDue, firstResponseRemindedAt: msk('2026-11-23T12:12'), nextStepAt: msk('2026-11-23T13:00') } }), { 'sla.firstResponseBreached': true }, msk('2026-11-23T13:00'), msk('2026-11-23T15:00')],
    [
      'escalated: next is the resolution reminder',
      ticket({ ...base, sla: { ...normalDue, firstResponseRemindedAt: msk('2026-11-23T12:12'), firstResponseBreached: true, nextStepAt: msk('2026-11-23T15:00') } }),
      { 'sla.firstResponseEscalatedAt': msk('2026-11-23T15:00') },
      msk('2026-11-23T15:00'),
      msk('2026-11-25T10:12'),
    ],
  ])('%s', (_name, before, set, now, next) => {
    expect(slaChanges(before, set, it_, now)).toEqual({ 'sla.nextStepAt': next });
  });
});
