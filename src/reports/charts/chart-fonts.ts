import { fileURLToPath } from 'node:url';

/** The one family every chart text uses; it is the family name inside the bundled files. */
export const CHART_FONT_FAMILY = 'DejaVu Sans';

/**
 * The bundled `assets/fonts/` files, from source (tsx) and from the build (dist/src/reports/charts).
 * Charts load only these, never the system's fonts, so a picture is the same on a laptop
 * and in a slim Docker image that has no fonts at all.
 */
export function chartFontFiles(): { regular: string; bold: string } {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const assets = here.includes('/dist/') ? '../../../../assets/fonts/' : '../../../assets/fonts/';
  return {
    regular: fileURLToPath(new URL(`${assets}DejaVuSans.ttf`, import.meta.url)),
    bold: fileURLToPath(new URL(`${assets}DejaVuSans-Bold.ttf`, import.meta.url)),
  };
}
