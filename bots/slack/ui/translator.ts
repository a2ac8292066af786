import type { I18n } from '../../../src/i18n/translate.js';

/** Translation bound to one language: the person's for their messages, the org's for channel cards. */
export interface Translator {
  locale: string;
  t(key: string, params?: Record<string, string | number>): string;
}

export function translator(i18n: I18n, locale: string | null | undefined): Translator {
  const resolved = i18n.resolveLocale(locale);
  return { locale: resolved, t: (key, params) => i18n.translate(resolved, key, params) };
}
