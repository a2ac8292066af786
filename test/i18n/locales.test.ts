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
