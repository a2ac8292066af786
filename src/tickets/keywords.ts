/**
 * Search without $text (FerretDB lacks it): words are normalized into a keyword array
 * on the ticket, with a multikey index. Normalizing folds case and strips accents, so
 * "Ёлка", "елка" and "ЕЛКА" match, as do "café" and "cafe".
 */
const MAX_WORDS_PER_TEXT = 500;

export function normalizeWord(word: string): string {
  return word.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/** Distinct normalized words of the texts (two characters or more), bounded per text. */
export function extractKeywords(...texts: (string | null | undefined)[]): string[] {
  const words = new Set<string>();
  for (const text of texts) {
    if (!text) continue;
    for (const raw of text.normalize('NFKD').replace(/\p{M}/gu, '').split(/[^\p{L}\p{N}]+/u)) {
      if (raw.length < 2) continue;
      if (words.size >= MAX_WORDS_PER_TEXT) return [...words];
      words.add(raw.toLowerCase());
    }
  }
  return [...words];
}


export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
