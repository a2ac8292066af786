/**
 * Search without $text (FerretDB lacks it): words are normalized into a keyword array
 * on the ticket, with a multikey index. Normalizing folds case and strips accents, so
 * "Ёлка", "елка" and "ЕЛКА" match, as do "café" and "cafe".
 */
const MAX_KEYWORDS = 2000;

export function normalizeWord(word: string): string {
  return word.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/** Distinct normalized words of the texts (two characters or more). */
export function extractKeywords(...texts: (string | null | undefined)[]): string[] {
  const words = new Set<string>();
  for (const text of texts) {
    if (!text) continue;
    for (const raw of text.normalize('NFKD').replace(/\p{M}/gu, '').split(/[^\p{L}\p{N}]+/u)) {
      if (raw.length < 2) continue;
      words.add(raw.toLowerCase());
    }
  }
  return [...words];
}

/** Adds new words to an existing keyword array, keeping it bounded. */
export function mergeKeywords(existing: string[], added: string[]): string[] {
  const merged = new Set(existing);
  for (const word of added) {
    if (merged.size >= MAX_KEYWORDS) break;
    merged.add(word);
  }
  return [...merged];
}

export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
