import { describe, expect, it } from 'vitest';
import { addBusinessMinutes, type BusinessCalendar } from '../../src/sla/business-calendar.js';
import { slaDueDates, type SlaSettings } from '../../src/sla/sla-due-dates.js';

const nineToSix = [{ from: '09:00', to: '18:00' }];
const weekdays = { mon: nineToSix, tue: nineToSix, wed: nineToSix, thu: nineToSix, fri: nineToSix };
const moscowOffice: BusinessCalendar = {
  timezone: 'Europe/Moscow',
  hours: weekdays,
  holidays: ['2026-12-31'],
};
// Moscow is UTC+3 all year.
const msk = (local: string) => new Date(`${local}+03:00`);

describe('business calendar', () => {
  it('counts only working hours, skipping nights and weekends', () => {
    // Friday 17:00 + 2 working hours: 1 h on Friday, 1 h on Monday morning.
    expect(addBusinessMinutes(msk('2026-11-27T17:00:00'), 120, moscowOffice)).toEqual(msk('2026-11-30T10:00:00'));
    // Before opening, the clock starts at 09:00.
    expect(addBusinessMinutes(msk('2026-11-23T07:15:00'), 30, moscowOffice)).toEqual(msk('2026-11-23T09:30:00'));
    // Saturday night: Monday 09:00 plus the minutes.
    expect(addBusinessMinutes(msk('2026-11-28T23:00:00'), 45, moscowOffice)).toEqual(msk('2026-11-30T09:45:00'));
  });

  it('skips a lunch break and a holiday', () => {
    const withLunch: BusinessCalendar = { ...moscowOffice, hours: { ...weekdays, mon: [{ from: '14:00', to: '18:00' }, { from: '09:00', to: '13:00' }] } };
    expect(addBusinessMinutes(msk('2026-11-23T12:30:00'), 60, withLunch)).toEqual(msk('2026-11-23T14:30:00'));
    // 31 Dec 2026 is a Thursday and a holiday: Wednesday 17:00 + 2 h ends Friday 10:00.
    expect(addBusinessMinutes(msk('2026-12-30T17:00:00'), 120, moscowOffice)).toEqual(msk('2027-01-01T10:00:00'));
  });

  it('follows the wall clock across a change of daylight saving time', () => {
    // Berlin moves from 02:00 to 03:00 on 29 March 2026: working all day, 3 h pass in 3 real hours.
    const berlin: BusinessCalendar = { timezone: 'Europe/Berlin', hours: 'always', holidays: [] };
    const start = new Date('2026-03-29T00:30:00+01:00');
    expect(addBusinessMinutes(start, 180, berlin)!.getTime() - start.getTime()).toBe(3 * 3600_000);
    // A 09:00-18:00 day in New York is 14:00-23:00 UTC in winter and 13:00-22:00 UTC in summer.
    const newYork: BusinessCalendar = { timezone: 'America/New_York', hours: { mon: nineToSix }, holidays: [] };
    expect(addBusinessMinutes(new Date('2026-03-02T12:00:00Z'), 60, newYork)).toEqual(new Date('2026-03-02T15:00:00Z'));
    expect(addBusinessMinutes(new Date('2026-03-09T12:00:00Z'), 60, newYork)).toEqual(new Date('2026-03-09T14:00:00Z'));
  });

  it('has no answer for a calendar without working time', () => {
    expect(addBusinessMinutes(new Date(), 60, { timezone: 'UTC', hours: {}, holidays: [] })).toBeNull();
  });
});

describe('SLA due dates', () => {
  const settings: SlaSettings = {
    ...moscowOffice,
    sla: {
      normal: { firstResponse: 240, resolution: 1440, clock: 'business' },
      urgent: { firstResponse: 30, resolution: 240, clock: '24/7' },
    },
  };

  it('applies the target of the priority in business time or around the clock', () => {
    const friday = msk('2026-11-27T16:00:00');
    expect(slaDueDates(settings, 'normal', friday)).toEqual({ firstResponseDue: msk('2026-11-30T11:00:00'), resolutionDue: msk('2026-12-02T13:00:00') });
    expect(slaDueDates(settings, 'urgent', friday)).toEqual({ firstResponseDue: msk('2026-11-27T16:30:00'), resolutionDue: msk('2026-11-27T20:00:00') });
  });

  it('sets no due date where the department has no target', () => {
    expect(slaDueDates(settings, 'low', new Date())).toEqual({ firstResponseDue: null, resolutionDue: null });
    expect(slaDueDates({}, 'normal', new Date())).toEqual({ firstResponseDue: null, resolutionDue: null });
  });
});
