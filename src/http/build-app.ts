import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Clock } from '../clock.js';
import type { Database } from '../db/connection.js';
import type { FileStore } from '../db/files.js';
import type { I18n } from '../i18n/translate.js';
import type { Logger } from '../logger.js';
import { createReportService, type ReportService } from '../reports/report-service.js';
import type { TicketService } from '../tickets/ticket-service.js';
import { createAuthenticate } from './auth.js';
import { installContentTypes } from './content-types.js';
import { frameworkErrorHandler, installErrorHandlers } from './errors.js';
import { openApiOptions } from './openapi.js';
import { addResponseSchemas } from './response-schemas.js';
import type { DirectorySyncService } from '../directory/directory-sync-service.js';
import type { RouteDeps } from './route-deps.js';
import { attachmentRoutes } from './routes/attachments.js';
import { departmentRoutes } from './routes/departments.js';
import { directoryRoutes } from './routes/directory.js';
import { healthRoutes } from './routes/health.js';
import { meRoutes } from './routes/me.js';
import { notificationPreferenceRoutes } from './routes/notification-preferences.js';
import { scheduleRoutes } from './routes/schedules.js';
import { ratingLinkRoutes } from './routes/rating-link.js';
import { reportRoutes } from './routes/reports.js';
import { ticketActionRoutes } from './routes/ticket-actions.js';
import { ticketRoutes } from './routes/tickets.js';
import { validatorCompiler } from './validators.js';
import { defaultFailureThrottle, FailureThrottle, type FailureThrottleOptions } from './failure-throttle.js';

export interface HttpAppDeps {
  /** The directory sync, when the org config has `directory.ldap` (POST /api/v1/directory/sync). */
  directory?: DirectorySyncService | null;
  db: Database;
  tickets: TicketService;
  files: FileStore;
  i18n: I18n;
  logger: Logger;
  /**
   * Reports in the org's time zone (main.ts builds the one the bots share). Absent: reports
   * over UTC days, for tests that do not look at reports.
   */
  reports?: ReportService;
  /** Kept for routes that will need "now" (webhook replay windows, metrics); the API itself asks the service. */
  clock: Clock;
  /** Largest JSON body in bytes (default 1 MiB); files have their own limit, the file store's. */
  bodyLimit?: number;
  /**
   * Mount points added by the channels (`/slack/events`, `/telegram/webhook`), registered at
   * the root next to /api/v1, outside its authentication and content-type rules.
   */
  extraRoutes?: ((app: FastifyInstance) => Promise<void>)[];
  /** Whom to believe about the client's address behind a reverse proxy (TRUST_PROXY). */
  trustProxy?: boolean | string;
  /** Failed attempts per client before it must wait (wrong API tokens, unknown rating links). */
  failureThrottle?: FailureThrottleOptions;
}

const DEFAULT_BODY_LIMIT = 1024 * 1024;
/** Form limits: a ticket has a handful of text fields and at most this many files. */
const MAX_FILES = 10;
const MAX_FIELDS = 20;
const MAX_FIELD_BYTES = 128 * 1024;

/**
 * Builds the HTTP app without listening: main.ts listens and closes it, tests use inject().
 * The REST API lives under /api/v1, its OpenAPI document at /docs/json (UI at /docs).
 */
export async function buildHttpApp(deps: HttpAppDeps): Promise<FastifyInstance> {
  const bodyLimit = deps.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const loggerInstance: FastifyBaseLogger = deps.logger;
  const app = Fastify({
    loggerInstance,
    bodyLimit,
    // On close(), in-flight requests finish while new ones get 503.
    return503OnClosing: true,
    // Behind a reverse proxy every request comes from the proxy: TRUST_PROXY makes the client's
    // own address (X-Forwarded-For) the one failed attempts are counted for.
    trustProxy: deps.trustProxy ?? false,
    // A malformed URL (bad percent-encoding) gets the same JSON error body as everything else.
    frameworkErrors: frameworkErrorHandler(deps.i18n),
  });
  app.setValidatorCompiler(validatorCompiler);
  app.decorateRequest('actor', null);
  installErrorHandlers(app, deps.i18n, { bodyLimit, maxFileBytes: deps.files.maxBytes });
  addResponseSchemas(app);
  await app.register(swagger, openApiOptions());
  await app.register(swaggerUi, { routePrefix: '/docs' });

  const reports = deps.reports ?? createReportService({ models: deps.db.models, i18n: deps.i18n, clock: deps.clock, timezone: 'UTC' });
  const failures = new FailureThrottle(deps.failureThrottle ?? defaultFailureThrottle);
  const routeDeps: RouteDeps = { db: deps.db, tickets: deps.tickets, files: deps.files, i18n: deps.i18n, reports, failures };
  await app.register(healthRoutes(deps.db));
  // Pages opened from mails (rating links): outside /api/v1, its token and content rules.
  await app.register(ratingLinkRoutes(routeDeps));
  await app.register(
    async (api) => {
      await api.register(multipart, {
        // One byte over the store's limit, so the store itself detects and reports the oversized file.
        limits: { fileSize: deps.files.maxBytes + 1, files: MAX_FILES, fields: MAX_FIELDS, fieldSize: MAX_FIELD_BYTES },
      });
      installContentTypes(api);
      api.addHook('onRequest', createAuthenticate(deps.db.models, deps.clock, failures));
      await api.register(ticketRoutes(routeDeps));
      await api.register(attachmentRoutes(routeDeps));
      await api.register(ticketActionRoutes(routeDeps));
      await api.register(departmentRoutes(routeDeps));
      await api.register(meRoutes(routeDeps));
      await api.register(notificationPreferenceRoutes(routeDeps));
      await api.register(scheduleRoutes(routeDeps, deps.clock));
      await api.register(reportRoutes(routeDeps));
      await api.register(directoryRoutes(deps.directory ?? null));
    },
    { prefix: '/api/v1' },
  );
  for (const routes of deps.extraRoutes ?? []) await app.register(routes);
  return app;
}
