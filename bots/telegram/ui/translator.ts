import type { I18n } from '../../../src/i18n/translate.js';
import { fillHtml, type Html } from './html.js';

/** Translation bound to one language: the sender's for replies, the org's for group cards. */
export interface Translator {
  locale: string;
  t(key: string, params?: Record<string, string | number>): string;
  html(key: string, params?: Record<string, string | number | Html>): Html;
}

export function translator(i18n: I18n, locale: string): Translator {
  const resolved = i18n.resolveLocale(locale);
  return {
    locale: resolved,
    t: (key, params) => i18n.translate(resolved, key, params),
    html: (key, params) => fillHtml(i18n.translate(resolved, key), params),
  };
}

/** "23 Nov, 14:05" in the reader's language and the org's time zone. */
export function formatTime(date: Date | string | null | undefined, locale: string, timeZone: string): string {
  if (!date) return '';
  const at = new Date(date);
  if (Number.isNaN(at.getTime())) return '';
  return new Intl.DateTimeFormat(locale === 'ru' ? 'ru-RU' : 'en-GB', {
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    timeZone,
  }).format(at);
}
