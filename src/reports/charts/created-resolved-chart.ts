import { CHART_COLORS, chartFrame, countAxis, countBars, dayAxis } from './chart-parts.js';
import type { ChartText, DayCounts } from './day-counts.js';
import { renderChartPng } from './render-png.js';

/** Bars of created and resolved tickets per day; PNG 1200x600. */
export function createdResolvedChartPng(days: DayCounts[], text: ChartText): Promise<Buffer> {
  return renderChartPng({
    ...chartFrame(text.title),
    xAxis: dayAxis(days, text.locale),
    yAxis: countAxis(),
    series: [
      countBars(text.created, days.map((day) => day.created), CHART_COLORS.created),
      countBars(text.resolved, days.map((day) => day.resolved), CHART_COLORS.resolved),
    ],
  });
}
