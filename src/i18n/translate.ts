import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type Messages = Record<string, string>;
export type Translate = (locale: string | null | undefined, key: string, params?: Record<string, string | number>) => string;

export interface I18n {
  locales: string[];
  defaultLocale: string;
  translate: Translate;
  /** Chooses a supported locale from a language tag (`ru-RU`, `en`), or the default. */
  resolveLocale(tag: string | null | undefined): string;
}

/**
 * Reads the catalogs of a folder: `<locale>.json`, plus `<locale>.<area>.json` files (e-mail,
 * schedules...) merged into the same language, so each part of the product keeps its texts
 * in its own file. A key defined twice for one language is an error, not a silent override.
 */
export function readCatalogs(directory: string): Map<string, Messages> {
  const catalogs = new Map<string, Messages>();
  for (const file of readdirSync(directory).sort()) {
    const match = /^([a-z]{2})(?:\.[\w-]+)?\.json$/.exec(file);
    if (!match) continue;
    const locale = match[1]!;
    const messages = JSON.parse(readFileSync(join(directory, file), 'utf8')) as Messages;
    const catalog = catalogs.get(locale) ?? {};
    for (const key of Object.keys(messages)) {
      if (key in catalog) throw new Error(`locales/${file}: ${key} is already defined for ${locale}`);
    }
    catalogs.set(locale, { ...catalog, ...messages });
  }
  return catalogs;
}

/** Loads every catalog of the folder; one translate function for bots, e-mail, API and reports. */
export function loadI18n(directory: string, defaultLocale = 'en'): I18n {
  return createI18n(readCatalogs(directory), defaultLocale);
}

export function createI18n(catalogs: Map<string, Messages>, defaultLocale: string): I18n {
  const fallback = catalogs.get(defaultLocale) ?? catalogs.get('en') ?? {};
  const resolveLocale = (tag: string | null | undefined): string => {
    const language = tag?.toLowerCase().split(/[-_,;]/)[0];
    return language && catalogs.has(language) ? language : defaultLocale;
  };
  const plurals = new Map<string, Intl.PluralRules>();
  /**
   * With a numeric `count`, the form of the language's plural category comes first: a key
   * `name#one`, `name#few`, `name#many` or `name#other` next to `name` ("1 событие",
   * "3 события", "5 событий"); `name` alone serves every count the language gives no form for.
   */
  const pluralForm = (language: string, messages: Messages | undefined, key: string, count: unknown): string | undefined => {
    // A count may come as the text of a stored number ("7"), as journal fields are shown.
    const value = typeof count === 'string' && /^\d+$/.test(count) ? Number(count) : count;
    if (typeof value !== 'number' || !messages) return undefined;
    let rules = plurals.get(language);
    if (!rules) plurals.set(language, (rules = new Intl.PluralRules(language)));
    return messages[`${key}#${rules.select(value)}`];
  };
  const translate: Translate = (locale, key, params = {}) => {
    const language = resolveLocale(locale);
    const messages = catalogs.get(language);
    const template = pluralForm(language, messages, key, params.count) ?? messages?.[key] ?? fallback[key] ?? key;
    return template.replace(/\{(\w+)\}/g, (match, name: string) =>
      name in params ? String(params[name]) : match,
    );
  };
  return { locales: [...catalogs.keys()], defaultLocale, translate, resolveLocale };
}
