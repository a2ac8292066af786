import type { FastifyInstance } from 'fastify';
import { actorOf } from '../auth.js';
import type { RouteDeps } from '../route-deps.js';
import { errorResponses } from '../response-schemas.js';

const meResponse = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    email: { type: ['string', 'null'] },
    role: { type: 'string', enum: ['requester', 'agent', 'coordinator', 'manager', 'admin'] },
    departments: { type: 'array', items: { type: 'string' } },
    locale: { type: ['string', 'null'] },
  },
} as const;

/** `GET /me`: the person the token acts for, so a client can tell what it may do. */
export function meRoutes({ db }: RouteDeps) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get(
      '/me',
      { schema: { tags: ['people'], summary: 'The person the token acts for', response: { 200: meResponse, ...errorResponses() } } },
      async (request) => {
        const actor = actorOf(request);
        const person = await db.models.Person.findById(actor.id).select({ email: 1 }).lean();
        return {
          id: actor.id.toString(),
          name: actor.name,
          email: person?.email ?? null,
          role: actor.role,
          departments: actor.departments,
          locale: actor.locale ?? null,
        };
      },
    );
  };
}
