import { Schema } from 'mongoose';

/** A text in several languages, keyed by language code ({ en: 'IT', ru: 'ИТ' }). */
export type LocalizedText = Record<string, string>;

export const localizedTextType = { type: Schema.Types.Mixed, required: true } as const;

/** Picks the text for a language, falling back to English, then to any language present. */
export function pickLocalized(text: LocalizedText | undefined, locale: string): string {
  if (!text) return '';
  return text[locale] ?? text.en ?? Object.values(text)[0] ?? '';
}
