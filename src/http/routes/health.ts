import type { FastifyInstance } from 'fastify';
import mongoose from 'mongoose';
import type { Database } from '../../db/connection.js';

/** A ping that hangs (server gone, no route) must not hang the probe that asked. */
const PING_TIMEOUT_MS = 2_000;

const status = { type: 'object', properties: { status: { type: 'string' } } } as const;

async function pingDatabase(db: Database): Promise<void> {
  const database = db.connection.db;
  if (!database || db.connection.readyState !== mongoose.ConnectionStates.connected) throw new Error('database connection is not open');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error('database ping timed out')), PING_TIMEOUT_MS);
  });
  try {
    await Promise.race([database.command({ ping: 1 }), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** `/healthz`: the process answers (no database call). `/readyz`: and the database answers a ping (503 otherwise). */
export function healthRoutes(db: Database) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get(
      '/healthz',
      { schema: { tags: ['health'], summary: 'Liveness: the process answers', security: [], response: { 200: status } } },
      () => ({ status: 'ok' }),
    );
    app.get(
      '/readyz',
      {
        schema: {
          tags: ['health'],
          summary: 'Readiness: the database answers a ping',
          security: [],
          response: { 200: status, 503: { ...status, description: 'The database is unreachable' } },
        },
      },
      async (request, reply) => {
        try {
          await pingDatabase(db);
          return { status: 'ready' };
        } catch (error) {
          request.log.warn({ err: error }, 'readiness check failed');
          return reply.status(503).send({ status: 'database unreachable' });
        }
      },
    );
  };
}
