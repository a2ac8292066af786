import { readFileSync } from 'node:fs';

/** Advance widths of a TrueType font, in em, by Unicode code point (BMP); undefined when the font has no glyph. */
export type AdvanceWidths = (codePoint: number) => number | undefined;

/**
 * Reads the advance widths a TrueType file gives its characters (tables head, hhea, hmtx and
 * a Windows Unicode cmap of format 4). Enough to lay out text as the font will draw it,
 * without a canvas or a font library.
 */
export function readAdvanceWidths(file: string): AdvanceWidths {
  const font = readFileSync(file);
  const tables = tableOffsets(font);
  const unitsPerEm = font.readUInt16BE(tables.head + 18);
  const metricCount = font.readUInt16BE(tables.hhea + 34);
  const advanceOf = (glyph: number): number => font.readUInt16BE(tables.hmtx + 4 * Math.min(glyph, metricCount - 1));

  const widths = new Map<number, number>();
  const cmap = unicodeCmap(font, tables.cmap);
  const segments = font.readUInt16BE(cmap + 6) / 2;
  const ends = cmap + 14;
  const starts = ends + 2 * segments + 2;
  const deltas = starts + 2 * segments;
  const rangeOffsets = deltas + 2 * segments;
  for (let s = 0; s < segments; s++) {
    const start = font.readUInt16BE(starts + 2 * s);
    const end = font.readUInt16BE(ends + 2 * s);
    const delta = font.readUInt16BE(deltas + 2 * s);
    const rangeOffset = font.readUInt16BE(rangeOffsets + 2 * s);
    for (let code = start; code <= end && code !== 0xffff; code++) {
      let glyph = code;
      if (rangeOffset !== 0) {
        glyph = font.readUInt16BE(rangeOffsets + 2 * s + rangeOffset + 2 * (code - start));
        if (glyph === 0) continue;
      }
      glyph = (glyph + delta) & 0xffff;
      if (glyph !== 0) widths.set(code, advanceOf(glyph) / unitsPerEm);
    }
  }
  return (codePoint) => widths.get(codePoint);
}

function tableOffsets(font: Buffer): Record<'head' | 'hhea' | 'hmtx' | 'cmap', number> {
  const found = new Map<string, number>();
  const count = font.readUInt16BE(4);
  for (let i = 0; i < count; i++) {
    const record = 12 + 16 * i;
    found.set(font.toString('latin1', record, record + 4), font.readUInt32BE(record + 8));
  }
  const offset = (tag: string): number => {
    const at = found.get(tag);
    if (at === undefined) throw new Error(`Font has no ${tag} table`);
    return at;
  };
  return { head: offset('head'), hhea: offset('hhea'), hmtx: offset('hmtx'), cmap: offset('cmap') };
}

/** The Windows Unicode BMP subtable (platform 3, encoding 1), which every TrueType font carries. */
function unicodeCmap(font: Buffer, cmap: number): number {
  const count = font.readUInt16BE(cmap + 2);
  for (let i = 0; i < count; i++) {
    const record = cmap + 4 + 8 * i;
    const subtable = cmap + font.readUInt32BE(record + 4);
    if (font.readUInt16BE(record) === 3 && font.readUInt16BE(record + 2) === 1 && font.readUInt16BE(subtable) === 4) return subtable;
  }
  throw new Error('Font has no Unicode cmap of format 4');
}
