import type { AdvanceWidths } from './font-metrics.js';

/** What echarts needs to know of a CSS font string: its size, and whether it is bold. */
const FONT_SIZE = /(\d+(?:\.\d+)?)px/;
const BOLD = /\b(?:bold|bolder|[6-9]00)\b/;
const DEFAULT_FONT_SIZE = 12;

/**
 * A text measurer for echarts' server-side layout, with the widths of the fonts resvg will draw.
 * Without a canvas echarts guesses from Arial-like widths and counts every non-ASCII letter as
 * a full square, which spreads a Russian legend apart and lets DejaVu's wider Latin text collide.
 */
export function createTextMeasurer(fonts: { regular: AdvanceWidths; bold: AdvanceWidths }): (text: string, font?: string) => { width: number } {
  return (text, font = '') => {
    const size = Number(FONT_SIZE.exec(font)?.[1] ?? DEFAULT_FONT_SIZE);
    const widths = BOLD.test(font) ? fonts.bold : fonts.regular;
    let em = 0;
    for (const char of text) {
      // A character the font lacks counts as a square, as echarts' own guess does: it also
      // sizes lines from the width of a CJK character, which DejaVu does not have.
      em += widths(char.codePointAt(0) ?? 0) ?? 1;
    }
    return { width: em * size };
  };
}
