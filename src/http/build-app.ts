import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Clock } from '../clock.js';
import type { Database } from '../db/connection.js';
import type { FileStore } from '../db/files.js';
import type { I18n } from '../i18n/translate.js';
import type { Logger } from '../logger.js';
import type { TicketService } from '../tickets/ticket-service.js';
import { createAuthenticate } from './auth.js';
import { installErrorHandlers } from './errors.js';
import { openApiInfo } from './openapi.js';
import { validatorCompiler } from './validators.js';
import { departmentRoutes } from './routes/departments.js';
import { healthRoutes } from './routes/health.js';
import { ticketActionRoutes } from './routes/ticket-actions.js';
import { ticketRoutes } from './routes/tickets.js';

export interface HttpAppDeps {
  db: Database;
  tickets: TicketService;
  files: FileStore;
  i18n: I18n;
  logger: Logger;
  clock: Clock;
  /** Largest JSON body in bytes (files have their own limit). */
  bodyLimit?: number;
  /** Mount points added by the bots (Slack events, Telegram webhook). */
  extraRoutes?: ((app: FastifyInstance) => Promise<void>)[];
}

/**
 * Builds the HTTP server without listening: main.ts listens and closes it, tests use inject().
 * The REST API lives under /api/v1, its OpenAPI document at /docs.
 */
export async function buildHttpApp(deps: HttpAppDeps): Promise<FastifyInstance> {
  const loggerInstance: FastifyBaseLogger = deps.logger;
  const app = Fastify({
    loggerInstance,
    bodyLimit: deps.bodyLimit ?? 1024 * 1024,
    // Return as soon as in-flight requests finish on close(), and refuse new ones meanwhile.
    return503OnClosing: true,
  });
  app.setValidatorCompiler(validatorCompiler());
  app.decorateRequest('actor', null);
  installErrorHandlers(app, deps.i18n, deps.files.maxBytes);
  await app.register(multipart, { limits: { fileSize: deps.files.maxBytes, files: 10, fields: 20, fieldSize: 64 * 1024 } });
  await app.register(swagger, { openapi: openApiInfo() });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(healthRoutes(deps.db));
  await app.register(
    async (api) => {
      // JSON, or multipart for files; anything else is refused with 415.
      api.removeContentTypeParser(['text/plain']);
      api.addHook('onRequest', createAuthenticate(deps.db.models));
      await api.register(ticketRoutes(deps.tickets, deps.files));
      await api.register(ticketActionRoutes(deps.db, deps.tickets));
      await api.register(departmentRoutes(deps.db, deps.i18n));
    },
    { prefix: '/api/v1' },
  );
  for (const routes of deps.extraRoutes ?? []) await app.register(routes);
  return app;
}
