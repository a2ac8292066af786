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

export { formatTime } from '../../../src/i18n/format-time.js';
