import { describe, expect, it } from 'vitest';
import { errorHttpStatus } from '../../src/errors.js';
import { defaultLocalesDir } from '../../src/i18n/locales-dir.js';
import { loadI18n, readCatalogs } from '../../src/i18n/translate.js';

const dir = defaultLocalesDir();
const catalogs = Object.fromEntries(readCatalogs(dir));
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('locales', () => {
  it('ship ru and en', () => {
    expect(Object.keys(catalogs).sort()).toEqual(expect.arrayContaining(['en', 'ru']));
  });

  it.each(Object.keys(catalogs))('%s has every key of every other language, with the same placeholders', (locale) => {
    const own = catalogs[locale]!;
    for (const [other, messages] of Object.entries(catalogs)) {
      for (const [key, text] of Object.entries(messages)) {
        // Plural forms (`key#few`) are each language's own; their base key is shared.
        const base = key.split('#')[0]!;
        expect(own[base], `${locale} lacks ${base} (present in ${other})`).toBeTypeOf('string');
        expect(placeholders(own[base]!), `${locale}:${key}`).toEqual(placeholders(text));
      }
    }
  });

  it('translate every error code', () => {
    for (const code of Object.keys(errorHttpStatus)) {
      for (const locale of Object.keys(catalogs)) expect(catalogs[locale]![`error.${code}`], `${locale} error.${code}`).toBeTruthy();
    }
  });

  it('chooses the plural form of the count in each language', () => {
    const i18n = loadI18n(dir);
    const older = (locale: string, count: number) => i18n.translate(locale, 'slack.history.older', { count });
    expect([1, 3, 5, 21, 22, 11].map((count) => older('ru', count))).toEqual([
      '…ещё 1 более раннее событие не показано.',
      '…ещё 3 более ранних события не показаны.',
      '…ещё 5 более ранних событий не показаны.',
      '…ещё 21 более раннее событие не показано.',
      '…ещё 22 более ранних события не показаны.',
      '…ещё 11 более ранних событий не показаны.',
    ]);
    expect([1, 2].map((count) => older('en', count))).toEqual(['…1 older event is not shown.', '…2 older events are not shown.']);
  });

  it('fills parameters and falls back to the default language', () => {
    const i18n = loadI18n(dir);
    expect(i18n.translate('ru-RU', 'error.TICKET_NOT_FOUND', { number: 1042 })).toBe('Заявка #1042 не найдена.');
    expect(i18n.translate('de', 'error.TICKET_NOT_FOUND', { number: 7 })).toBe('Ticket #7 was not found.');
    expect(i18n.resolveLocale('ru,en;q=0.8')).toBe('ru');
  });
});

describe('plural forms', () => {
  const i18n = loadI18n(dir);
  /** The forms each language's plural rules can ask for, beside the base text. */
  const needed: Record<string, string[]> = { en: ['one'], ru: ['one', 'few', 'many'] };

  it('every count that a word follows has the forms of its language, and counts are called {count}', () => {
    const wrong: string[] = [];
    for (const [locale, messages] of Object.entries(catalogs)) {
      for (const [key, text] of Object.entries(messages)) {
        if (key.includes('#')) continue;
        if (/\{(?:days|tickets|max|total)\} \p{L}/u.test(text)) wrong.push(`${locale}:${key} names its count otherwise than {count}`);
        // "…and 3 more", "3 in total" need no form of their own: the words do not change with the count.
        if (!/\{count\} (?!(?:more|in)\b)\p{L}/u.test(text)) continue;
        for (const form of needed[locale] ?? []) if (typeof messages[`${key}#${form}`] !== 'string') wrong.push(`${locale}:${key}#${form} is missing`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('Russian: 1 заявка, 3 заявки, 5 заявок, 11 заявок, 21 заявка; English: 1 ticket, 2 tickets', () => {
    const ready = (locale: string, count: number) => i18n.translate(locale, 'slack.report.ready', { count });
    expect([1, 3, 5, 11, 21, 22].map((n) => ready('ru', n))).toEqual(['✅ Отчёт готов: 1 заявка.', '✅ Отчёт готов: 3 заявки.', '✅ Отчёт готов: 5 заявок.', '✅ Отчёт готов: 11 заявок.', '✅ Отчёт готов: 21 заявка.', '✅ Отчёт готов: 22 заявки.']);
    expect([1, 2].map((n) => ready('en', n))).toEqual(['✅ The report is ready: 1 ticket.', '✅ The report is ready: 2 tickets.']);
  });

  it('takes a count stored as text ("1" day of an auto-close in the journal)', () => {
    expect(i18n.translate('ru', 'event.auto_closed', { actor: 'Helpdesk', count: '1' })).toBe('Helpdesk: заявка закрыта автоматически, ответа не было 1 день');
    expect(i18n.translate('en', 'event.auto_closed', { actor: 'Helpdesk', count: '7' })).toBe('Helpdesk closed the ticket automatically after 7 days without a reply');
    expect(i18n.translate('ru', 'event.auto_closed', { actor: 'Helpdesk', count: '?' })).toBe('Helpdesk: заявка закрыта автоматически, ответа не было ? дней');
  });
});
