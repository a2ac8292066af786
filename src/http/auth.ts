import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../clock.js';
import type { Models } from '../db/models/index.js';
import { HelpdeskError } from '../errors.js';
import { actorFromPerson, type Actor } from '../people/actor.js';
import { authenticateApiToken } from '../people/api-tokens.js';
import { clientOf, tellToWait, type FailureThrottle } from './failure-throttle.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The person the request acts for; set by the /api/v1 authentication hook. */
    actor: Actor | null;
  }
}

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/**
 * The /api/v1 `onRequest` hook: `Authorization: Bearer <token>` -> the token's active person,
 * who then acts under the access policy like in any chat. Runs before the body is read, so an
 * anonymous caller cannot make the server parse (or store) anything.
 */
export function createAuthenticate(models: Models, clock: Clock, throttle: FailureThrottle) {
  return async function authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    // A client that failed too often waits before its token is even looked at.
    const wait = throttle.waitMs(clientOf(request));
    if (wait > 0) throw new HelpdeskError('TOO_MANY_ATTEMPTS', 'too many failed authentication attempts', { seconds: tellToWait(reply, wait) });
    const header = request.headers.authorization;
    const token = typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined;
    const person = token ? await authenticateApiToken(models, token, clock()) : null;
    if (!person) {
      throttle.failed(clientOf(request));
      throw new HelpdeskError('UNAUTHENTICATED', 'missing, unknown or revoked API token');
    }
    request.actor = actorFromPerson(person);
  };
}

/** The authenticated actor of a request under /api/v1 (the hook guarantees it is set). */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new HelpdeskError('UNAUTHENTICATED', 'not authenticated');
  return request.actor;
}
