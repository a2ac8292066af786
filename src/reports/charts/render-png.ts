import { existsSync } from 'node:fs';
import type { ResvgRenderOptions } from '@resvg/resvg-js';
import type { EChartsOption } from 'echarts';
import { CHART_FONT_FAMILY, chartFontFiles } from './chart-fonts.js';
import { readAdvanceWidths } from './font-metrics.js';
import { createTextMeasurer } from './measure-text.js';

/** The size the chart is laid out at, in CSS pixels; echarts' default text sizes suit it. */
const LAYOUT_WIDTH = 800;
const LAYOUT_HEIGHT = 400;
/** Drawn 1.5x larger than laid out, so text stays sharp in Excel and in a chat preview: 1200x600. */
const PNG_WIDTH = 1200;

let resvgFonts: ResvgRenderOptions['font'] | undefined;

/**
 * echarts and resvg (some 20 MiB of memory) are loaded when the first chart is drawn, not at
 * start: most processes answer messages for days without drawing one.
 */
async function chartEngine() {
  // The single-file build: the package entry loads ~1000 small ES modules (~0.8 s), this one
  // file ~0.1 s. Same code, same version, typed by echarts-bundle.d.ts.
  const [echarts, { Resvg }] = await Promise.all([import('echarts/dist/echarts.esm.min.mjs'), import('@resvg/resvg-js')]);
  return { echarts, Resvg };
}

type ChartEngine = Awaited<ReturnType<typeof chartEngine>>;
let engine: Promise<ChartEngine> | undefined;

/**
 * Renders an echarts option to a PNG without a browser: echarts lays it out as SVG, resvg
 * draws that with the bundled fonts only. CPU-bound: ~0.1-0.2 s a chart.
 *
 * resvg-js has no free(): its pixmap (~3 MB) is released when the JS wrapper is collected,
 * and native finalizers run between event-loop turns. A caller drawing many charts in a row
 * should yield between them (await setImmediate) rather than loop synchronously.
 */
export async function renderChartPng(option: EChartsOption): Promise<Buffer> {
  const { echarts, Resvg } = await (engine ??= chartEngine());
  const fonts = useBundledFonts(echarts);
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: LAYOUT_WIDTH, height: LAYOUT_HEIGHT });
  let svg: string;
  try {
    chart.setOption({ ...option, animation: false });
    svg = chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
  return new Resvg(svg, { fitTo: { mode: 'width', value: PNG_WIDTH }, font: fonts }).render().asPng();
}

/**
 * Once per process: checks the bundled fonts are there, makes echarts measure text with their
 * widths, and returns resvg's font options. The measurer is global to echarts, which only the
 * charts here use.
 */
function useBundledFonts(echarts: ChartEngine['echarts']): ResvgRenderOptions['font'] {
  if (!resvgFonts) {
    const { regular, bold } = chartFontFiles();
    // resvg draws no text at all when a font file is missing; say so instead of sending a mute chart.
    for (const file of [regular, bold]) {
      if (!existsSync(file)) throw new Error(`Chart font not found: ${file} (is assets/ deployed next to dist/?)`);
    }
    echarts.setPlatformAPI({ measureText: createTextMeasurer({ regular: readAdvanceWidths(regular), bold: readAdvanceWidths(bold) }) });
    resvgFonts = { fontFiles: [regular, bold], loadSystemFonts: false, defaultFontFamily: CHART_FONT_FAMILY, sansSerifFamily: CHART_FONT_FAMILY };
  }
  return resvgFonts;
}
