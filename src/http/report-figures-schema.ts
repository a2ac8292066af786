import { metricNames } from '../reports/metrics-tally.js';

const count = { type: 'integer', minimum: 0 } as const;
const nullableNumber = { type: ['number', 'null'] } as const;
const counts = new Set(['created', 'resolved', 'closed', 'openAtEnd', 'overdue', 'ratings']);

/** `GET /reports/stats`: the figures of a period, as the workbook's summary and chart show them. */
export const reportFiguresSchema = {
  description: 'The figures of the period; shares are 0..1, times are business hours, null when nothing was measured',
  type: 'object',
  required: ['period', 'summary', 'days', 'load', 'tickets'],
  properties: {
    period: {
      type: 'object',
      required: ['from', 'to', 'timezone'],
      properties: { from: { type: 'string', format: 'date' }, to: { type: 'string', format: 'date' }, timezone: { type: 'string' } },
    },
    summary: {
      type: 'object',
      required: [...metricNames],
      properties: Object.fromEntries(metricNames.map((name) => [name, counts.has(name) ? count : nullableNumber])),
    },
    days: {
      type: 'array',
      items: {
        type: 'object',
        required: ['date', 'created', 'resolved', 'firstResponseCompliance', 'resolutionCompliance'],
        properties: { date: { type: 'string', format: 'date' }, created: count, resolved: count, firstResponseCompliance: nullableNumber, resolutionCompliance: nullableNumber },
      },
    },
    load: { description: 'Tickets created per hour of week, Monday 00:00 = 0 … Sunday 23:00 = 167', type: 'array', items: count, minItems: 168, maxItems: 168 },
    tickets: { description: 'Tickets the period covers', ...count },
  },
} as const;
