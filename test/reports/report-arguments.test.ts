import { describe, expect, it } from 'vitest';
import { parseReportArguments, parseStatsArguments } from '../../src/reports/report-arguments.js';
import { isPeriodMistake, parsePeriod, type ReportPeriod } from '../../src/reports/report-period.js';

const zone = 'Europe/Moscow';
// Wednesday 2026-11-25 10:00 in Moscow (UTC+3).
const now = new Date('2026-11-25T07:00:00Z');

function period(text: string, at = now, timeZone = zone): ReportPeriod {
  const parsed = parsePeriod(text, timeZone, at);
  if (isPeriodMistake(parsed)) throw new Error(`${text}: ${parsed.key}`);
  return parsed;
}

describe('report periods, whole local days in the org zone', () => {
  it.each([
    ['today', '2026-11-25', '2026-11-25'],
    ['week', '2026-11-23', '2026-11-29'],
    ['last-week', '2026-11-16', '2026-11-22'],
    ['month', '2026-11-01', '2026-11-30'],
    ['last-month', '2026-10-01', '2026-10-31'],
    ['2026-02-01..2026-02-28', '2026-02-01', '2026-02-28'],
    ['  Month ', '2026-11-01', '2026-11-30'],
  ])('%s is %s to %s', (text, first, last) => {
    const parsed = period(text);
    expect([parsed.firstDay, parsed.lastDay]).toEqual([first, last]);
  });

  it('begins and ends at local midnight, and is read "at the end" no later than now', () => {
    const week = period('week');
    expect(week.from.toISOString()).toBe('2026-11-22T21:00:00.000Z');
    expect(week.to.toISOString()).toBe('2026-11-29T21:00:00.000Z');
    expect(week.asOf).toEqual(now);
    expect(period('last-month').asOf.toISOString()).toBe('2026-10-31T21:00:00.000Z');
  });

  it('keeps whole days across a daylight saving change', () => {
    const march = period('2026-03-29..2026-03-29', now, 'Europe/Berlin');
    expect(march.from.toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(march.to.toISOString()).toBe('2026-03-29T22:00:00.000Z');
  });

  it('knows January after December and a leap February', () => {
    const january = new Date('2027-01-10T12:00:00Z');
    expect([period('last-month', january).firstDay, period('last-month', january).lastDay]).toEqual(['2026-12-01', '2026-12-31']);
    expect(period('month', new Date('2028-02-10T12:00:00Z')).lastDay).toBe('2028-02-29');
  });

  it.each([
    ['yesterday', 'report.error.period'],
    ['2026-11-31..2026-12-01', 'report.error.period'],
    ['2026-13-01..2026-12-01', 'report.error.period'],
    ['2026-11-01', 'report.error.period'],
    ['2026-11-10..2026-11-01', 'report.error.period_order'],
    ['2025-01-01..2026-01-02', 'report.error.period_length'],
  ])('refuses %s (%s)', (text, key) => {
    expect(parsePeriod(text, zone, now)).toMatchObject({ key });
  });

  it('takes a year of 366 days', () => {
    expect(period('2028-01-01..2028-12-31').lastDay).toBe('2028-12-31');
  });
});

describe('report command arguments', () => {
  it('asks when nothing is typed', () => {
    expect(parseReportArguments('  ', zone, now)).toEqual({ kind: 'ask' });
  });

  it.each([
    ['month agent', 'month', 'agent'],
    ['agent month', 'month', 'agent'],
    ['requester', 'week', 'requester'],
    ['last-month', 'last-month', 'department'],
    ['2026-11-01..2026-11-15 unit', '2026-11-01..2026-11-15', 'unit'],
  ])('reads "%s"', (text, name, grouping) => {
    expect(parseReportArguments(text, zone, now)).toMatchObject({ kind: 'report', period: { name }, grouping });
  });

  it.each([
    ['month colour', 'report.error.word', 'colour'],
    ['yesterday', 'report.error.word', 'yesterday'],
    ['agent agent', 'report.error.word', 'agent'],
    ['month week', 'report.error.word', 'week'],
    ['month agent extra', 'report.error.words', 'extra'],
    ['2026-11-31..2026-12-01', 'report.error.period', '2026-11-31..2026-12-01'],
  ])('names the mistake in "%s"', (text, key, value) => {
    expect(parseReportArguments(text, zone, now)).toMatchObject({ kind: 'mistake', key, params: { value } });
  });

  it('reads a stats period, this week by default', () => {
    expect(parseStatsArguments('', zone, now)).toMatchObject({ kind: 'stats', period: { name: 'week' } });
    expect(parseStatsArguments('today', zone, now)).toMatchObject({ kind: 'stats', period: { name: 'today' } });
    expect(parseStatsArguments('agent', zone, now)).toMatchObject({ kind: 'mistake', key: 'report.error.period' });
    expect(parseStatsArguments('month agent', zone, now)).toMatchObject({ kind: 'mistake', key: 'report.error.period' });
  });
});
