import { describe, expect, it } from 'vitest';
import { addBusinessMillis, businessMillisBetween, isWorkingTime, type BusinessCalendar, type WorkingRange } from '../../src/sla/business-calendar.js';

const nineToSix = [{ from: '09:00', to: '18:00' }];
const weekdays = { mon: nineToSix, tue: nineToSix, wed: nineToSix, thu: nineToSix, fri: nineToSix };
const withLunchBreak: WorkingRange[] = [
  { from: '14:00', to: '18:00' },
  { from: '09:00', to: '13:00' },
];
/** A night shift on Sunday morning, so that working hours span the daylight-saving change (both are on a Sunday). */
const sundayNight = [{ from: '00:00', to: '06:00' }];

// 23 Nov 2026 is a Monday; 31 Dec 2026 a Thursday (a holiday here), 1 Jan 2027 a Friday (not one).
const moscow: BusinessCalendar = { timezone: 'Europe/Moscow', hours: weekdays, holidays: ['2026-12-31'] };
const moscowLunch: BusinessCalendar = {
  ...moscow,
  hours: { mon: withLunchBreak, tue: withLunchBreak, wed: withLunchBreak, thu: withLunchBreak, fri: withLunchBreak },
};
const moscowEvenings: BusinessCalendar = { timezone: 'Europe/Moscow', hours: { sat: [{ from: '20:00', to: '24:00' }] }, holidays: [] };
const moscowAlways: BusinessCalendar = { timezone: 'Europe/Moscow', hours: 'always', holidays: ['2026-12-31'] };
// Berlin: 02:00 -> 03:00 on Sunday 29 Mar 2026, 03:00 -> 02:00 on Sunday 25 Oct 2026.
const berlin: BusinessCalendar = { timezone: 'Europe/Berlin', hours: { ...weekdays, sun: sundayNight }, holidays: [] };
const berlinAlways: BusinessCalendar = { timezone: 'Europe/Berlin', hours: 'always', holidays: [] };
// New York: 02:00 -> 03:00 on Sunday 8 Mar 2026, 02:00 -> 01:00 on Sunday 1 Nov 2026.
const newYork: BusinessCalendar = { timezone: 'America/New_York', hours: { ...weekdays, sun: sundayNight }, holidays: [] };
const newYorkAlways: BusinessCalendar = { timezone: 'America/New_York', hours: 'always', holidays: [] };

// Moscow is UTC+3 all year; elsewhere the offset is written out.
const msk = (local: string) => new Date(`${local}+03:00`);
const at = (isoWithOffset: string) => new Date(isoWithOffset);
/** A duration written "h:mm". */
const hm = (duration: string) => {
  const [hours = 0, minutes = 0] = duration.split(':').map(Number);
  return (hours * 60 + minutes) * 60_000;
};

describe('businessMillisBetween', () => {
  it.each([
    // Moscow office, Mon-Fri 09:00-18:00
    ['same day', moscow, msk('2026-11-23T10:00'), msk('2026-11-23T12:30'), '2:30'],
    ['a whole working day', moscow, msk('2026-11-23T09:00'), msk('2026-11-23T18:00'), '9:00'],
    ['start before opening', moscow, msk('2026-11-23T07:00'), msk('2026-11-23T10:00'), '1:00'],
    ['end after closing', moscow, msk('2026-11-23T17:00'), msk('2026-11-23T20:00'), '1:00'],
    ['start and end outside hours, same day', moscow, msk('2026-11-23T06:00'), msk('2026-11-23T21:00'), '9:00'],
    ['within one night', moscow, msk('2026-11-23T19:00'), msk('2026-11-24T08:00'), '0:00'],
    ['overnight', moscow, msk('2026-11-23T17:00'), msk('2026-11-24T10:00'), '2:00'],
    ['across a weekend', moscow, msk('2026-11-27T17:00'), msk('2026-11-30T10:00'), '2:00'],
    ['a whole week', moscow, msk('2026-11-23T09:00'), msk('2026-11-30T09:00'), '45:00'],
    ['within a weekend', moscow, msk('2026-11-28T10:00'), msk('2026-11-29T20:00'), '0:00'],
    ['Friday night ticket, answered Monday', moscow, msk('2026-11-27T22:00'), msk('2026-11-30T09:30'), '0:30'],
    ['Sunday ticket, answered Monday', moscow, msk('2026-11-29T15:00'), msk('2026-11-30T11:00'), '2:00'],
    ['across a holiday', moscow, msk('2026-12-30T17:00'), msk('2027-01-01T10:00'), '2:00'],
    ['within a holiday', moscow, msk('2026-12-31T10:00'), msk('2026-12-31T16:00'), '0:00'],
    ['holiday eve ticket, answered after the holiday', moscow, msk('2026-12-30T20:00'), msk('2027-01-01T09:15'), '0:15'],
    ['start after end', moscow, msk('2026-11-23T12:00'), msk('2026-11-23T10:00'), '0:00'],
    ['start equals end', moscow, msk('2026-11-23T12:00'), msk('2026-11-23T12:00'), '0:00'],
    // Lunch break 13:00-14:00 (ranges given out of order)
    ['across the lunch break', moscowLunch, msk('2026-11-23T12:00'), msk('2026-11-23T15:00'), '2:00'],
    ['within the lunch break', moscowLunch, msk('2026-11-23T13:15'), msk('2026-11-23T13:45'), '0:00'],
    ['from lunch to afternoon', moscowLunch, msk('2026-11-23T13:30'), msk('2026-11-23T14:30'), '0:30'],
    ['a day with lunch', moscowLunch, msk('2026-11-23T09:00'), msk('2026-11-24T09:00'), '8:00'],
    // A range to 24:00 ends the day
    ['to midnight', moscowEvenings, msk('2026-11-28T23:00'), msk('2026-11-29T01:00'), '1:00'],
    ['a whole evening and more', moscowEvenings, msk('2026-11-28T12:00'), msk('2026-12-04T12:00'), '4:00'],
    // Around the clock: every minute counts, holidays too
    ['always, across a weekend', moscowAlways, msk('2026-11-27T17:00'), msk('2026-11-30T10:00'), '65:00'],
    ['always, across a holiday', moscowAlways, msk('2026-12-30T17:00'), msk('2027-01-01T10:00'), '41:00'],
    ['always, start after end', moscowAlways, msk('2026-11-27T17:00'), msk('2026-11-27T16:00'), '0:00'],
    // Berlin, spring forward: Sunday 00:00-06:00 lasts 5 real hours
    ['Berlin, night shift on 29 Mar', berlin, at('2026-03-29T00:00+01:00'), at('2026-03-29T06:00+02:00'), '5:00'],
    ['Berlin, across the skipped hour', berlin, at('2026-03-29T01:30+01:00'), at('2026-03-29T03:30+02:00'), '1:00'],
    ['Berlin, weekend with the change', berlin, at('2026-03-27T17:00+01:00'), at('2026-03-30T10:00+02:00'), '7:00'],
    ['Berlin, first summer day', berlin, at('2026-03-30T09:00+02:00'), at('2026-03-30T18:00+02:00'), '9:00'],
    ['Berlin always, 29 Mar noon to noon', berlinAlways, at('2026-03-28T12:00+01:00'), at('2026-03-29T12:00+02:00'), '23:00'],
    // Berlin, fall back: Sunday 00:00-06:00 lasts 7 real hours
    ['Berlin, night shift on 25 Oct', berlin, at('2026-10-25T00:00+02:00'), at('2026-10-25T06:00+01:00'), '7:00'],
    ['Berlin, the repeated hour', berlin, at('2026-10-25T02:30+02:00'), at('2026-10-25T02:30+01:00'), '1:00'],
    ['Berlin, weekend with the change back', berlin, at('2026-10-23T17:00+02:00'), at('2026-10-26T10:00+01:00'), '9:00'],
    ['Berlin always, 25 Oct noon to noon', berlinAlways, at('2026-10-24T12:00+02:00'), at('2026-10-25T12:00+01:00'), '25:00'],
    // New York, spring forward on 8 Mar and fall back on 1 Nov
    ['New York, night shift on 8 Mar', newYork, at('2026-03-08T00:00-05:00'), at('2026-03-08T06:00-04:00'), '5:00'],
    ['New York, Friday afternoon to Monday after spring forward (5 + 5 + 1 h)', newYork, at('2026-03-06T13:00-05:00'), at('2026-03-09T10:00-04:00'), '11:00'],
    ['New York, first summer day', newYork, at('2026-03-09T09:00-04:00'), at('2026-03-09T18:00-04:00'), '9:00'],
    ['New York always, 8 Mar noon to noon', newYorkAlways, at('2026-03-07T12:00-05:00'), at('2026-03-08T12:00-04:00'), '23:00'],
    ['New York, night shift on 1 Nov', newYork, at('2026-11-01T00:00-04:00'), at('2026-11-01T06:00-05:00'), '7:00'],
    ['New York, the repeated hour', newYork, at('2026-11-01T01:30-04:00'), at('2026-11-01T01:30-05:00'), '1:00'],
    ['New York, weekend with the change back', newYork, at('2026-10-30T17:00-04:00'), at('2026-11-02T10:00-05:00'), '9:00'],
    ['New York always, 1 Nov noon to noon', newYorkAlways, at('2026-10-31T12:00-04:00'), at('2026-11-01T12:00-05:00'), '25:00'],
  ])('%s', (_name, calendar, start, end, expected) => {
    expect(businessMillisBetween(start, end, calendar)).toBe(hm(expected));
  });

  it('keeps seconds and milliseconds', () => {
    expect(businessMillisBetween(msk('2026-11-23T10:00:00.000'), msk('2026-11-23T10:00:30.500'), moscow)).toBe(30_500);
    expect(businessMillisBetween(msk('2026-11-23T17:59:59.250'), msk('2026-11-24T09:00:01.000'), moscow)).toBe(1_750);
  });

  it('finds no working time in a calendar without hours', () => {
    expect(businessMillisBetween(msk('2026-11-23T10:00'), msk('2026-11-30T10:00'), { timezone: 'UTC', hours: {}, holidays: [] })).toBe(0);
  });
});

describe('a working range bounded by a skipped or repeated wall time', () => {
  const zone = (timezone: string, hours: BusinessCalendar['hours']): BusinessCalendar => ({ timezone, hours, holidays: [] });
  const saturdayEvening = { sat: [{ from: '20:00', to: '24:00' }] };
  // Santiago (UTC-4 -> -3) and Havana (UTC-5 -> -4) skip from 24:00 Saturday to 01:00 Sunday.
  it.each([
    ['Santiago, Saturday 20:00-24:00 before the skipped midnight', zone('America/Santiago', saturdayEvening), '2026-09-05T12:00Z', '2026-09-07T12:00Z', '4:00'],
    ['Santiago, Sunday 00:00-06:00 starting in the skipped hour', zone('America/Santiago', { sun: sundayNight }), '2026-09-05T12:00Z', '2026-09-07T12:00Z', '5:00'],
    ['Havana, Saturday 20:00-24:00 before the skipped midnight', zone('America/Havana', saturdayEvening), '2026-03-07T12:00Z', '2026-03-09T12:00Z', '4:00'],
    // The same wall range in the skipped hour, east and west of Greenwich
    ['Berlin, Sunday 02:30-06:00 on 29 Mar', zone('Europe/Berlin', { sun: [{ from: '02:30', to: '06:00' }] }), '2026-03-28T12:00Z', '2026-03-30T12:00Z', '2:30'],
    ['New York, Sunday 02:30-06:00 on 8 Mar', zone('America/New_York', { sun: [{ from: '02:30', to: '06:00' }] }), '2026-03-07T12:00Z', '2026-03-09T12:00Z', '2:30'],
    // A repeated wall time is its first occurrence, east and west of Greenwich
    ['Berlin, Sunday 00:00-02:30 on 25 Oct', zone('Europe/Berlin', { sun: [{ from: '00:00', to: '02:30' }] }), '2026-10-24T12:00Z', '2026-10-26T12:00Z', '2:30'],
    ['New York, Sunday 00:00-01:30 on 1 Nov', zone('America/New_York', { sun: [{ from: '00:00', to: '01:30' }] }), '2026-10-31T12:00Z', '2026-11-02T12:00Z', '1:30'],
  ])('%s', (_name, calendar, start, end, expected) => {
    expect(businessMillisBetween(at(start), at(end), calendar)).toBe(hm(expected));
  });

  it('counts the last Saturday hour before a skipped midnight as Saturday', () => {
    expect(isWorkingTime(at('2026-09-05T23:30-04:00'), zone('America/Santiago', saturdayEvening))).toBe(true);
    expect(isWorkingTime(at('2026-09-06T00:30-03:00'), zone('America/Santiago', { sun: sundayNight }))).toBe(false);
    expect(isWorkingTime(at('2026-09-06T01:00-03:00'), zone('America/Santiago', { sun: sundayNight }))).toBe(true);
  });
});

describe('isWorkingTime', () => {
  it.each([
    ['opening minute counts', moscow, msk('2026-11-23T09:00'), true],
    ['a second before opening', moscow, msk('2026-11-23T08:59:59'), false],
    ['last minute of the day', moscow, msk('2026-11-23T17:59'), true],
    ['closing minute does not count', moscow, msk('2026-11-23T18:00'), false],
    ['midday without a lunch break', moscow, msk('2026-11-23T13:30'), true],
    ['in the lunch break', moscowLunch, msk('2026-11-23T13:30'), false],
    ['lunch starts', moscowLunch, msk('2026-11-23T13:00'), false],
    ['lunch ends', moscowLunch, msk('2026-11-23T14:00'), true],
    ['Friday night', moscow, msk('2026-11-27T22:00'), false],
    ['Saturday noon', moscow, msk('2026-11-28T12:00'), false],
    ['Sunday afternoon', moscow, msk('2026-11-29T15:00'), false],
    ['holiday noon', moscow, msk('2026-12-31T12:00'), false],
    ['the day after the holiday', moscow, msk('2027-01-01T12:00'), true],
    ['evening range, a second before midnight', moscowEvenings, msk('2026-11-28T23:59:59'), true],
    ['evening range, midnight', moscowEvenings, msk('2026-11-29T00:00'), false],
    ['always: holiday noon', moscowAlways, msk('2026-12-31T12:00'), true],
    ['always: Sunday 03:00', moscowAlways, msk('2026-11-29T03:00'), true],
    ['Berlin 29 Mar, before the skipped hour', berlin, at('2026-03-29T01:59+01:00'), true],
    ['Berlin 29 Mar, right after the skipped hour', berlin, at('2026-03-29T03:00+02:00'), true],
    ['Berlin 29 Mar, end of the night shift', berlin, at('2026-03-29T06:00+02:00'), false],
    ['Berlin 29 Mar, a minute before the end', berlin, at('2026-03-29T05:59+02:00'), true],
    ['Berlin Monday after, 09:00 summer time', berlin, at('2026-03-30T09:00+02:00'), true],
    ['Berlin Monday after, 08:30 summer time', berlin, at('2026-03-30T08:30+02:00'), false],
    ['Berlin 25 Oct, first 02:30', berlin, at('2026-10-25T02:30+02:00'), true],
    ['Berlin 25 Oct, second 02:30', berlin, at('2026-10-25T02:30+01:00'), true],
    ['Berlin 25 Oct, 05:59 winter time', berlin, at('2026-10-25T05:59+01:00'), true],
    ['Berlin 25 Oct, 06:00 winter time', berlin, at('2026-10-25T06:00+01:00'), false],
    ['New York Friday before, 09:00 winter time', newYork, at('2026-03-06T09:00-05:00'), true],
    ['New York Friday before, 18:00 winter time', newYork, at('2026-03-06T18:00-05:00'), false],
    ['New York 8 Mar, 03:30 summer time', newYork, at('2026-03-08T03:30-04:00'), true],
    ['New York Monday after, 08:30 summer time', newYork, at('2026-03-09T08:30-04:00'), false],
    ['New York Monday after, 09:00 summer time', newYork, at('2026-03-09T09:00-04:00'), true],
    ['New York 1 Nov, second 01:30', newYork, at('2026-11-01T01:30-05:00'), true],
    ['New York 1 Nov, 06:00 winter time', newYork, at('2026-11-01T06:00-05:00'), false],
    ['New York Monday after, 08:59 winter time', newYork, at('2026-11-02T08:59-05:00'), false],
    ['New York Monday after, 17:59 winter time', newYork, at('2026-11-02T17:59-05:00'), true],
  ])('%s', (_name, calendar, instant, expected) => {
    expect(isWorkingTime(instant, calendar)).toBe(expected);
  });
});

describe('round trip: businessMillisBetween(start, addBusinessMillis(start, x)) === x', () => {
  const kolkata: BusinessCalendar = {
    timezone: 'Asia/Kolkata',
    hours: { mon: [{ from: '09:30', to: '18:30' }], tue: [{ from: '09:30', to: '18:30' }], wed: withLunchBreak, fri: nineToSix },
    holidays: ['2026-11-25'],
  };
  // Lord Howe moves its clock by half an hour (5 Apr and 4 Oct 2026).
  const lordHowe: BusinessCalendar = { timezone: 'Australia/Lord_Howe', hours: { ...weekdays, sun: sundayNight }, holidays: [] };
  // Santiago changes its clock at midnight (early April and early September).
  const santiago: BusinessCalendar = {
    timezone: 'America/Santiago',
    hours: { ...weekdays, sat: [{ from: '20:00', to: '24:00' }], sun: sundayNight },
    holidays: [],
  };
  const santiagoAlways: BusinessCalendar = { timezone: 'America/Santiago', hours: 'always', holidays: [] };
  const lordHoweAlways: BusinessCalendar = { timezone: 'Australia/Lord_Howe', hours: 'always', holidays: [] };
  const berlinWithHoliday: BusinessCalendar = { ...berlin, holidays: ['2026-03-30', '2026-10-26'] };

  const durations = [0, 1, 60_000, hm('0:59') + 1_234, hm('4:00'), hm('9:00'), hm('24:17'), hm('61:00')];
  /** Starts every 7 h 37 min 11 s over five days from the first day. */
  const startsFrom = (firstDay: string) => Array.from({ length: 16 }, (_, i) => new Date(Date.parse(`${firstDay}T00:00:00Z`) + i * (hm('7:37') + 11_000)));

  it.each([
    ['Moscow office', moscow, '2026-11-26'],
    ['Moscow office, holiday', moscow, '2026-12-29'],
    ['Moscow with lunch', moscowLunch, '2026-11-20'],
    ['Moscow evenings', moscowEvenings, '2026-11-26'],
    ['Moscow always', moscowAlways, '2026-12-29'],
    ['Berlin, spring forward', berlinWithHoliday, '2026-03-26'],
    ['Berlin, fall back', berlinWithHoliday, '2026-10-22'],
    ['Berlin always, spring forward', berlinAlways, '2026-03-26'],
    ['Berlin always, fall back', berlinAlways, '2026-10-22'],
    ['New York, spring forward', newYork, '2026-03-05'],
    ['New York, fall back', newYork, '2026-10-29'],
    ['New York always, spring forward', newYorkAlways, '2026-03-05'],
    ['New York always, fall back', newYorkAlways, '2026-10-29'],
    ['Kolkata, half-hour offset', kolkata, '2026-11-22'],
    ['Lord Howe, half-hour change back', lordHowe, '2026-04-02'],
    ['Lord Howe, half-hour change forward', lordHowe, '2026-10-01'],
    ['Lord Howe always', lordHoweAlways, '2026-10-01'],
    ['Santiago, midnight change back', santiago, '2026-04-02'],
    ['Santiago, midnight change forward', santiago, '2026-09-03'],
    ['Santiago always, change back', santiagoAlways, '2026-04-02'],
    ['Santiago always, change forward', santiagoAlways, '2026-09-03'],
  ])('%s', (_name, calendar, firstDay) => {
    const mismatches: string[] = [];
    for (const start of startsFrom(firstDay)) {
      for (const duration of durations) {
        const end = addBusinessMillis(start, duration, calendar);
        if (!end) {
          mismatches.push(`${start.toISOString()} + ${duration}: no end`);
          continue;
        }
        const back = businessMillisBetween(start, end, calendar);
        if (back !== duration) mismatches.push(`${start.toISOString()} + ${duration} -> ${end.toISOString()} -> ${back}`);
        // The end of a positive duration is the end of working time, not a closed minute after it.
        if (duration > 0 && !isWorkingTime(new Date(end.getTime() - 1), calendar)) mismatches.push(`${start.toISOString()} + ${duration} -> ${end.toISOString()} ends outside hours`);
        if (end < start) mismatches.push(`${start.toISOString()} + ${duration} -> ${end.toISOString()} goes back`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});
