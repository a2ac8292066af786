/**
 * Characters that show nothing by themselves: controls (Cc), format characters (Cf: zero-width
 * spaces and joiners, the bidirectional overrides and isolates), separators (Z) and other
 * whitespace. A text made only of them looks empty, and is treated as empty.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Z}\s]/gu;

/** Whether the text shows anything at all. */
export function hasVisibleText(text: string): boolean {
  return text.replace(INVISIBLE, '').length > 0;
}
