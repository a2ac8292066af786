import type { LineSeriesOption, YAXisComponentOption } from 'echarts';
import { AXIS_LABEL, CHART_COLORS, chartFrame, countAxis, countBars, dayAxis } from './chart-parts.js';
import type { ChartText, DayCounts } from './day-counts.js';
import { renderChartPng } from './render-png.js';

/** Up to a month, every day gets a dot; beyond that dots would blur into the line. */
const DOTS_UP_TO_DAYS = 31;

/** Created vs resolved per day (bars, left axis) and SLA compliance % (two lines, right axis 0–100 %); PNG 1200x600. */
export function statsChartPng(days: DayCounts[], text: ChartText): Promise<Buffer> {
  return renderChartPng({
    ...chartFrame(text.title),
    xAxis: dayAxis(days, text.locale),
    yAxis: [countAxis(), percentAxis(text.locale)],
    series: [
      countBars(text.created, days.map((day) => day.created), CHART_COLORS.created),
      countBars(text.resolved, days.map((day) => day.resolved), CHART_COLORS.resolved),
      complianceLine(text.firstResponseSla, days.map((day) => day.firstResponseCompliance), CHART_COLORS.firstResponseSla),
      complianceLine(text.resolutionSla, days.map((day) => day.resolutionCompliance), CHART_COLORS.resolutionSla),
    ],
  });
}

/** 0–100 % on the right, written the reader's way ("80%", "80 %"). */
function percentAxis(locale: string): YAXisComponentOption {
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 });
  return {
    type: 'value',
    position: 'right',
    min: 0,
    max: 100,
    interval: 25,
    axisLabel: { ...AXIS_LABEL, formatter: (value: number) => percent.format(value / 100) },
    // The count axis draws the grid; a second set of lines would not line up with it.
    splitLine: { show: false },
  };
}

/**
 * A share per day as a percentage line on the right axis. A day with nothing decided is a gap,
 * not 0 %: connectNulls stays off, and a lone day between gaps keeps its dot so it is seen.
 */
function complianceLine(name: string, shares: (number | null)[], color: string): LineSeriesOption {
  const values = shares.map((share) => (share === null ? null : Math.round(share * 1000) / 10));
  const dotted = values.length <= DOTS_UP_TO_DAYS;
  // `== null` on the neighbours: past either end of the range counts as a gap too.
  const isolated = (index: number): boolean => values[index] !== null && values[index - 1] == null && values[index + 1] == null;
  return {
    type: 'line',
    name,
    yAxisIndex: 1,
    data: values,
    connectNulls: false,
    // A white rim keeps a dot visible where it sits on a bar of the same height.
    itemStyle: { color, borderColor: '#fff', borderWidth: 1 },
    lineStyle: { color, width: 2 },
    showSymbol: true,
    // Otherwise echarts thins crowded dots and may drop exactly the lone day's.
    showAllSymbol: true,
    // 'none' rather than size 0: a year of invisible dots still costs an SVG element each.
    symbol: (_value: unknown, params: { dataIndex: number }) => (dotted || isolated(params.dataIndex) ? 'circle' : 'none'),
    symbolSize: 6,
  };
}
