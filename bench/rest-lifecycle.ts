import type { AddressInfo } from 'node:net';
import pino from 'pino';
import type { Database } from '../src/db/connection.js';
import { createFileStore } from '../src/db/files.js';
import { buildHttpApp } from '../src/http/build-app.js';
import { defaultLocalesDir } from '../src/i18n/locales-dir.js';
import { loadI18n } from '../src/i18n/translate.js';
import { createApiToken } from '../src/people/api-tokens.js';
import { createTicketService } from '../src/tickets/ticket-service.js';
import type { LifecycleActors } from './lifecycle.js';
import { timed, type Timing } from './support.js';

/** The same lifecycle as real HTTP requests to the REST API listening on 127.0.0.1. */
export async function restLifecycles(db: Database, _actors: LifecycleActors, count: number, concurrency: number): Promise<Timing> {
  const logger = pino({ level: 'silent' });
  const clock = () => new Date();
  const tickets = createTicketService({ models: db.models, clock, logger, timezone: 'UTC' });
  const app = await buildHttpApp({
    db,
    tickets,
    files: createFileStore(db.connection, 1 << 20),
    i18n: loadI18n(defaultLocalesDir()),
    logger,
    clock,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/api/v1`;
  const requester = (await createApiToken(db.models, { personEmail: 'req@bench.test', name: 'bench' })).token;
  const agent = (await createApiToken(db.models, { personEmail: 'agent@bench.test', name: 'bench' })).token;

  async function call(token: string, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
    const response = await fetch(base + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : null,
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  }

  try {
    return await timed(count, concurrency, async (index) => {
      const opened = await call(requester, 'POST', '/tickets', { description: `REST lifecycle ${index}\nprinter jam`, department: 'it' });
      const number = (opened.ticket as { number: number } | undefined)?.number ?? (opened as { number: number }).number;
      await call(agent, 'POST', `/tickets/${number}/take`);
      await call(agent, 'POST', `/tickets/${number}/comments`, { text: 'Please try again now', internal: false });
      await call(agent, 'POST', `/tickets/${number}/resolve`);
      await call(requester, 'POST', `/tickets/${number}/close`);
    });
  } finally {
    await app.close();
  }
}
