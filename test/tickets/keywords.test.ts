import { describe, expect, it } from 'vitest';
import { hourOfWeek } from '../../src/tickets/hour-of-week.js';
import { extractKeywords } from '../../src/tickets/keywords.js';

describe('keywords', () => {
  it('folds case and accents in Russian and English', () => {
    expect(extractKeywords('Ёлка в ОФИСЕ: Café, naïve!')).toEqual(['елка', 'офисе', 'cafe', 'naive']);
  });

  it('drops one-letter words and duplicates', () => {
    expect(extractKeywords('a printer, A PRINTER', 'я и принтер')).toEqual(['printer', 'принтер']);
  });

  it('bounds the words taken from one text', () => {
    const many = Array.from({ length: 3000 }, (_, index) => `w${index}`).join(' ');
    expect(extractKeywords(many)).toHaveLength(500);
  });
});

describe('hour of week', () => {
  it.each([
    ['2026-11-23T06:30:00Z', 'Europe/Moscow', 9], // Monday 09:30 in Moscow
    ['2026-11-22T23:30:00Z', 'Europe/Moscow', 2], // Sunday 23:30 UTC is Monday 02:30 in Moscow
    ['2026-11-22T23:30:00Z', 'UTC', 6 * 24 + 23],
    ['2026-03-29T01:30:00Z', 'Europe/Berlin', 6 * 24 + 3], // the night summer time starts
  ])('%s in %s', (iso, zone, expected) => {
    expect(hourOfWeek(new Date(iso), zone)).toBe(expected);
  });
});
