import type { FastifyRequest } from 'fastify';
import type { Models } from '../db/models/index.js';
import { HelpdeskError } from '../errors.js';
import { actorFromPerson, type Actor } from '../people/actor.js';
import { authenticateApiToken } from '../people/api-tokens.js';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
  }
}

/** Resolves `Authorization: Bearer <token>` to the acting person, or answers 401. */
export function createAuthenticate(models: Models) {
  return async function authenticate(request: FastifyRequest): Promise<void> {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    const person = match?.[1] ? await authenticateApiToken(models, match[1]) : null;
    if (!person) throw new HelpdeskError('UNAUTHENTICATED', 'missing, unknown or revoked API token');
    request.actor = actorFromPerson(person);
  };
}

/** The authenticated actor of a request under /api/v1 (the hook guarantees it). */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new HelpdeskError('UNAUTHENTICATED', 'not authenticated');
  return request.actor;
}
