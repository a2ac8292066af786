import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HelpdeskError } from '../../errors.js';
import { reportDepartments } from '../../reports/report-access.js';
import { createReportBuilds } from '../../reports/report-builds.js';
import { XLSX_TYPE } from '../../reports/report-service.js';
import { actorOf } from '../auth.js';
import { contentDisposition } from '../content-disposition.js';
import { createErrorSender } from '../errors.js';
import { requestLocale } from '../locale.js';
import { readReportQuery, reportQuerySchema, statsQuerySchema, type ReportQuery } from '../report-query.js';
import { errorResponses } from '../response-schemas.js';
import { reportFiguresSchema } from '../report-figures-schema.js';
import type { RouteDeps } from '../route-deps.js';
import { sendReportFile } from '../send-report-file.js';

const binary = { type: 'string', format: 'binary' } as const;
const { 400: invalid, 401: anonymous, 403: refused, 500: failed } = errorResponses();
const errors = {
  400: { ...invalid, description: 'VALIDATION_FAILED: error.fields names query.from, query.to, query.period or query.by' },
  401: anonymous,
  403: { ...refused, description: 'REPORTS_FORBIDDEN: reports are for coordinators, managers and admins' },
  500: failed,
};
const workbookErrors = {
  ...errors,
  429: { ...failed, description: 'REPORT_BUSY: a workbook of the caller is still being built; ask again when it is done' },
};
const access =
  'Managers and admins get every department, coordinators their own; anyone else 403 REPORTS_FORBIDDEN. ' +
  "The period is whole days in the org's time zone: `from` and `to` (both included, at most 366 days) or a named `period`; " +
  'with neither, this week (Monday to Sunday). Texts follow Accept-Language, else the caller\'s own language.';

/** The tickets workbook and the stats chart, as the `/report` and `/stats` chat commands make them. */
export function reportRoutes({ reports, i18n }: RouteDeps) {
  const sendError = createErrorSender(i18n);
  const tags = ['reports'];
  const builds = createReportBuilds();

  /**
   * Refuses who may not have reports before the query is validated (a hook, as the schema runs
   * before the handler): they learn nothing about its form, and a 403 does not hide behind a 400.
   */
  const reportersOnly = async (request: FastifyRequest): Promise<void> => {
    reportDepartments(actorOf(request));
  };
  return async (app: FastifyInstance): Promise<void> => {
    app.get<{ Querystring: ReportQuery }>(
      '/reports/tickets.xlsx',
      {
        preValidation: reportersOnly,
        schema: {
          tags,
          summary: 'Download the tickets report (Excel)',
          description:
            `${access}\n\nSheets: Summary, By <grouping>, Load (tickets per weekday and hour), Chart (created vs resolved per day), Tickets (one row each). ` +
            'Sent as an attachment with an ASCII `filename` and the real name in `filename*`.',
          querystring: reportQuerySchema,
          response: { 200: { description: 'The workbook', content: { [XLSX_TYPE]: { schema: binary } } }, ...workbookErrors },
        },
      },
      async (request, reply) => {
        const actor = actorOf(request);
        const locale = requestLocale(request, i18n);
        const query = readReportQuery(request.query, reports, i18n.translate, locale);
        if (!query.ok) return sendError(request, reply, 400, 'VALIDATION_FAILED', {}, query.fields);
        // A client that gives up (a proxy's timeout) ends the build: the cursor is closed and the file dropped.
        const gone = new AbortController();
        const build = builds.run(String(actor.id), () => reports.workbook(actor, { period: query.period, grouping: query.grouping, locale, signal: gone.signal }));
        if (!build) throw new HelpdeskError('REPORT_BUSY', 'a report of this person is being built');
        reply.raw.once('close', () => gone.abort());
        try {
          return await sendReportFile(reply, await build);
        } catch (error) {
          if (!gone.signal.aborted) throw error;
          request.log.info({ period: query.period.name }, 'report abandoned: the client went away while it was built');
          // Nobody is left to read it; 499 (client closed request) is what the access log shows.
          return reply.code(499).send();
        }
      },
    );

    app.get<{ Querystring: ReportQuery }>(
      '/reports/stats.png',
      {
        preValidation: reportersOnly,
        schema: {
          tags,
          summary: 'The stats chart (PNG)',
          description: `${access}\n\nTickets created and resolved per day with the share of SLA targets met, as the \`/stats\` command draws it.`,
          querystring: statsQuerySchema,
          response: { 200: { description: 'The chart', content: { 'image/png': { schema: binary } } }, ...errors },
        },
      },
      async (request, reply) => {
        const actor = actorOf(request);
        const locale = requestLocale(request, i18n);
        const query = readReportQuery(request.query, reports, i18n.translate, locale);
        if (!query.ok) return sendError(request, reply, 400, 'VALIDATION_FAILED', {}, query.fields);
        const { png, period } = await reports.stats(actor, query.period, locale);
        return reply
          .header('content-type', 'image/png')
          .header('content-disposition', contentDisposition(`stats-${period.firstDay}-${period.lastDay}.png`, 'inline'))
          .header('cache-control', 'private, no-store')
          .send(png);
      },
    );

    app.get<{ Querystring: ReportQuery }>(
      '/reports/stats',
      {
        preValidation: reportersOnly,
        schema: {
          tags,
          summary: 'The figures of a period (JSON)',
          description: `${access}\n\nThe summary of the workbook, the counts per day (created, resolved, share of SLA targets met) and the load per hour of week (Monday 00:00 = 0).`,
          querystring: statsQuerySchema,
          response: { 200: reportFiguresSchema, ...errors },
        },
      },
      async (request, reply) => {
        const actor = actorOf(request);
        const locale = requestLocale(request, i18n);
        const query = readReportQuery(request.query, reports, i18n.translate, locale);
        if (!query.ok) return sendError(request, reply, 400, 'VALIDATION_FAILED', {}, query.fields);
        const { period } = query;
        const result = await reports.figures(actor, period);
        return reply.header('cache-control', 'private, no-store').send({
          period: { from: period.firstDay, to: period.lastDay, timezone: period.timeZone },
          summary: result.summary,
          days: result.days,
          load: result.load,
          tickets: result.tickets,
        });
      },
    );
  };
}
