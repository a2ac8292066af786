import type { BarSeriesOption, EChartsOption, XAXisComponentOption, YAXisComponentOption } from 'echarts';
import { CHART_FONT_FAMILY } from './chart-fonts.js';
import { formatDayLabels, labelledDays } from './day-labels.js';
import type { DayCounts } from './day-counts.js';

/** One colour per measure, the same in every chart (Tableau 10 palette). */
export const CHART_COLORS = {
  created: '#4e79a7',
  resolved: '#59a14f',
  firstResponseSla: '#f28e2b',
  resolutionSla: '#b07aa1',
} as const;

/** Axis labels: a step smaller and greyer than the legend, so the data stands out. */
export const AXIS_LABEL = { color: '#555', fontSize: 11 } as const;
const GRID_LINE = '#e3e3e3';

/** White page, bundled font, title on top, legend at the bottom, plot in between. */
export function chartFrame(title: string): EChartsOption {
  return {
    backgroundColor: '#fff',
    textStyle: { fontFamily: CHART_FONT_FAMILY },
    title: { text: title, left: 'center', top: 12, textStyle: { fontSize: 16, fontWeight: 'bold', color: '#222' } },
    legend: { bottom: 10, itemGap: 24, textStyle: { color: '#333', fontSize: 12 } },
    // 'same': axis labels are fitted inside this box, so long labels never leave the picture.
    grid: { top: 52, bottom: 42, left: 16, right: 16, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
  };
}

/** One category per day, labelled in the reader's language, thinned to stay readable. */
export function dayAxis(days: DayCounts[], locale: string): XAXisComponentOption {
  const dates = days.map((day) => day.date);
  const shown = labelledDays(dates);
  return {
    type: 'category',
    data: formatDayLabels(dates, locale),
    axisLine: { lineStyle: { color: '#999' } },
    axisTick: { alignWithLabel: true, interval: shown },
    // hideOverlap: a safety net for long month names in some language; the interval does the work.
    axisLabel: { ...AXIS_LABEL, interval: shown, hideOverlap: true },
  };
}

/** Ticket counts: whole numbers only, from zero. */
export function countAxis(): YAXisComponentOption {
  return {
    type: 'value',
    min: 0,
    minInterval: 1,
    axisLabel: AXIS_LABEL,
    splitLine: { lineStyle: { color: GRID_LINE } },
  };
}

/** From this many days on, bars are hairlines: thin and gapless, drawn as one path per series. */
const MANY_DAYS = 90;

/** Bars of one count per day. */
export function countBars(name: string, values: number[], color: string): BarSeriesOption {
  const many = values.length > MANY_DAYS;
  return {
    type: 'bar',
    name,
    data: values,
    itemStyle: { color },
    barMaxWidth: 28,
    barGap: many ? '0%' : '10%',
    barCategoryGap: many ? '10%' : '30%',
    // Large mode: one SVG path for all bars instead of one element each, a third off a year's render.
    large: many,
    largeThreshold: MANY_DAYS,
  };
}
