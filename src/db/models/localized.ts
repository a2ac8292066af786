import { Schema } from 'mongoose';

/** A text in several languages, keyed by language code ({ en: 'IT', ru: 'ИТ' }). */
export type LocalizedText = Record<string, string>;

export const localizedTextType = { type: Schema.Types.Mixed, required: true } as const;

/** Picks the text for a language, falling back to English, then to any language present. */
export function pickLocalized(text: unknown, locale: string): string {
  if (!isLocalizedText(text)) return '';
  return text[locale] ?? text.en ?? Object.values(text)[0] ?? '';
}

/** Mixed fields come back untyped from the database: check before use. */
export function isLocalizedText(value: unknown): value is LocalizedText {
  return typeof value === 'object' && value !== null && Object.values(value).every((text) => typeof text === 'string');
}

/** A localized text read from the database, or an empty one. */
export function asLocalizedText(value: unknown): LocalizedText {
  return isLocalizedText(value) ? value : {};
}
