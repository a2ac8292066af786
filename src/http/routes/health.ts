import type { FastifyInstance } from 'fastify';
import type { Database } from '../../db/connection.js';

/** `/healthz`: the process answers. `/readyz`: and the database does too (503 otherwise). */
export function healthRoutes(db: Database) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get('/healthz', { schema: { hide: true } }, () => ({ status: 'ok' }));
    app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
      try {
        await db.connection.db?.admin().command({ ping: 1 }, { timeoutMS: 2000 });
        return { status: 'ready' };
      } catch {
        return reply.status(503).send({ status: 'database unreachable' });
      }
    });
  };
}
