import { describe, expect, it } from 'vitest';
import { chartFontFiles } from '../../src/reports/charts/chart-fonts.js';
import { createdResolvedChartPng } from '../../src/reports/charts/created-resolved-chart.js';
import { formatDayLabels, labelledDays } from '../../src/reports/charts/day-labels.js';
import type { ChartText, DayCounts } from '../../src/reports/charts/day-counts.js';
import { readAdvanceWidths } from '../../src/reports/charts/font-metrics.js';
import { statsChartPng } from '../../src/reports/charts/stats-chart.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const english: ChartText = {
  title: 'Created vs resolved, 1–30 Nov 2026',
  created: 'Created',
  resolved: 'Resolved',
  firstResponseSla: 'First response SLA',
  resolutionSla: 'Resolution SLA',
  locale: 'en',
};
const russian: ChartText = {
  title: 'Создано и решено, 1–30 нояб. 2026',
  created: 'Создано',
  resolved: 'Решено',
  firstResponseSla: 'SLA первого ответа',
  resolutionSla: 'SLA решения',
  locale: 'ru',
};

/** `count` days from `start`, with weekday/weekend-like variation and no SLA decided on every 5th day. */
function days(count: number, start = '2026-11-01'): DayCounts[] {
  return Array.from({ length: count }, (_, i) => ({
    date: new Date(Date.parse(`${start}T00:00:00Z`) + i * 86_400_000).toISOString().slice(0, 10),
    created: 5 + ((i * 7) % 23),
    resolved: 4 + ((i * 5) % 21),
    firstResponseCompliance: i % 5 === 4 ? null : 0.8 + (i % 3) / 10,
    resolutionCompliance: i % 5 === 4 ? null : 0.6 + (i % 4) / 10,
  }));
}

/** Width and height from the IHDR chunk, which always follows the signature. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

function expectChartPng(png: Buffer): void {
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  expect(pngSize(png)).toEqual({ width: 1200, height: 600 });
}

describe.each([
  ['statsChartPng', statsChartPng],
  ['createdResolvedChartPng', createdResolvedChartPng],
])('%s', (_name, chartPng) => {
  it('draws a 1200x600 PNG', async () => {
    expectChartPng(await chartPng(days(30), english));
  });

  it('draws the texts it is given, in Cyrillic too', async () => {
    const data = days(30);
    const withTitle = await chartPng(data, english);
    // Without the bundled fonts resvg draws no text at all, and these would be equal.
    expect(withTitle.equals(await chartPng(data, { ...english, title: '' }))).toBe(false);
    expect(withTitle.equals(await chartPng(data, russian))).toBe(false);
    expect((await chartPng(data, russian)).equals(await chartPng(data, { ...russian, title: 'Другой заголовок' }))).toBe(false);
  });

  it('is the same picture for the same data', async () => {
    expect((await chartPng(days(30), russian)).equals(await chartPng(days(30), russian))).toBe(true);
  });

  it('draws a single day, no day, all zeros and a whole year', async () => {
    expectChartPng(await chartPng(days(1), english));
    expectChartPng(await chartPng([], english));
    expectChartPng(await chartPng(days(14).map((day) => ({ ...day, created: 0, resolved: 0, firstResponseCompliance: null, resolutionCompliance: null })), english));
    expectChartPng(await chartPng(days(366, '2026-01-01'), russian));
  });
});

describe('statsChartPng compliance lines', () => {
  it('accepts days with nothing decided and draws them as gaps, not as 0 %', async () => {
    const data = days(10).map((day) => ({ ...day, firstResponseCompliance: 1, resolutionCompliance: 1 }));
    const undecided = data.map((day, i) => (i === 4 ? { ...day, firstResponseCompliance: null, resolutionCompliance: null } : day));
    const failed = data.map((day, i) => (i === 4 ? { ...day, firstResponseCompliance: 0, resolutionCompliance: 0 } : day));
    const gap = await statsChartPng(undecided, english);
    expectChartPng(gap);
    expect(gap.equals(await statsChartPng(failed, english))).toBe(false);
    expect(gap.equals(await statsChartPng(data, english))).toBe(false);
  });
});

describe('x axis labels', async () => {
  it('writes short dates in the reader language', async () => {
    expect(formatDayLabels(['2026-11-03'], 'en')).toEqual(['3 Nov']);
    expect(formatDayLabels(['2026-11-03'], 'ru')).toEqual(['3 нояб.']);
  });

  it('labels every day of a week, every third of a month, the 1st of each month of a year', async () => {
    const week = labelledDays(days(7).map((day) => day.date));
    expect([0, 1, 2, 3, 4, 5, 6].every(week)).toBe(true);

    const month = days(30).map((day) => day.date);
    expect(month.filter((_, i) => labelledDays(month)(i))).toHaveLength(10);

    const year = days(366, '2026-01-01').map((day) => day.date);
    const shown = year.filter((_, i) => labelledDays(year)(i));
    expect(shown).toEqual(['2026-01-01', '2026-02-01', '2026-03-01', '2026-04-01', '2026-05-01', '2026-06-01', '2026-07-01',
      '2026-08-01', '2026-09-01', '2026-10-01', '2026-11-01', '2026-12-01', '2027-01-01']);
  });
});

describe('bundled font metrics', async () => {
  it('reads advance widths of Latin and Cyrillic letters from the TTF', async () => {
    const { regular, bold } = chartFontFiles();
    const widths = readAdvanceWidths(regular);
    expect(widths('a'.codePointAt(0)!)).toBeCloseTo(1255 / 2048);
    expect(widths('а'.codePointAt(0)!)).toBeCloseTo(1255 / 2048);
    expect(readAdvanceWidths(bold)('a'.codePointAt(0)!)).toBeGreaterThan(1255 / 2048);
    expect(widths('国'.codePointAt(0)!)).toBeUndefined();
  });
});
