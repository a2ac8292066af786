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

/** Loads every `<locale>.json` of the folder; one translate function for bots, e-mail, API and reports. */
export function loadI18n(directory: string, defaultLocale = 'en'): I18n {
  const catalogs = new Map<string, Messages>();
  for (const file of readdirSync(directory)) {
    if (!file.endsWith('.json')) continue;
    catalogs.set(file.slice(0, -5), JSON.parse(readFileSync(join(directory, file), 'utf8')) as Messages);
  }
  return createI18n(catalogs, defaultLocale);
}

export function createI18n(catalogs: Map<string, Messages>, defaultLocale: string): I18n {
  const fallback = catalogs.get(defaultLocale) ?? catalogs.get('en') ?? {};
  const resolveLocale = (tag: string | null | undefined): string => {
    const language = tag?.toLowerCase().split(/[-_,;]/)[0];
    return language && catalogs.has(language) ? language : defaultLocale;
  };
  const translate: Translate = (locale, key, params = {}) => {
    const template = catalogs.get(resolveLocale(locale))?.[key] ?? fallback[key] ?? key;
    return template.replace(/\{(\w+)\}/g, (match, name: string) =>
      name in params ? String(params[name]) : match,
    );
  };
  return { locales: [...catalogs.keys()], defaultLocale, translate, resolveLocale };
}
