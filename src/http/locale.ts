import type { FastifyRequest } from 'fastify';
import type { I18n } from '../i18n/translate.js';

/** The API's language when the caller names none we have (clients are programs: predictable English). */
const API_DEFAULT_LOCALE = 'en';

/** Languages of an Accept-Language header, best first (`ru-RU;q=0.8, en;q=0.9` -> en, ru). */
export function acceptedLanguages(header: string | undefined): string[] {
  if (!header) return [];
  return header
    .split(',')
    .slice(0, 20)
    .map((entry, index) => {
      const [tag = '', ...params] = entry.trim().split(';');
      const q = params.map((param) => /^\s*q=([0-9.]+)\s*$/.exec(param)?.[1]).find(Boolean);
      return { language: tag.trim().toLowerCase().split('-')[0] ?? '', q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.language && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index)
    .map((entry) => entry.language);
}

/**
 * The language of a response: Accept-Language when it names a language we ship, else the
 * person's own language, else English.
 */
export function requestLocale(request: FastifyRequest, i18n: I18n): string {
  const header = request.headers['accept-language'];
  const wanted = [...acceptedLanguages(typeof header === 'string' ? header : undefined), request.actor?.locale ?? ''];
  return wanted.find((language) => language && i18n.locales.includes(language)) ?? API_DEFAULT_LOCALE;
}
