import type { FastifyInstance, InjectOptions } from 'fastify';
import pino from 'pino';
import type { Database } from '../../src/db/connection.js';
import { createFileStore } from '../../src/db/files.js';
import { buildHttpApp } from '../../src/http/build-app.js';
import { defaultLocalesDir } from '../../src/i18n/locales-dir.js';
import { loadI18n } from '../../src/i18n/translate.js';
import { createTicketService, type TicketService } from '../../src/tickets/ticket-service.js';

export interface TestApp {
  app: FastifyInstance;
  tickets: TicketService;
  /** Injects a request as the holder of `token` and parses the JSON answer. */
  call(token: string | null, method: InjectOptions['method'], url: string, payload?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON shapes
}

/** The real HTTP app on a test database, English messages, with a small file limit. */
export async function buildTestApp(db: Database, options: { maxFileBytes?: number; bodyLimit?: number } = {}): Promise<TestApp> {
  const logger = pino({ level: 'silent' });
  const clock = () => new Date();
  const tickets = createTicketService({ models: db.models, clock, logger, timezone: 'Europe/Moscow' });
  const app = await buildHttpApp({
    db,
    tickets,
    files: createFileStore(db.connection, options.maxFileBytes ?? 64 * 1024),
    i18n: loadI18n(defaultLocalesDir(), 'en'),
    logger,
    clock,
    ...(options.bodyLimit ? { bodyLimit: options.bodyLimit } : {}),
  });
  await app.ready();
  return {
    app,
    tickets,
    async call(token, method, url, payload, headers = {}) {
      const response = await app.inject({
        method,
        url,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
        ...(payload === undefined ? {} : typeof payload === 'string' ? { payload } : { payload: payload as object }),
      });
      let body: unknown;
      try {
        body = response.json();
      } catch {
        body = response.body;
      }
      return { status: response.statusCode, body };
    },
  };
}
