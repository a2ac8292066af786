import type { FastifyInstance } from 'fastify';
import { HttpError } from './http-error.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route reads multipart/form-data itself (file uploads); every other route refuses it. */
    multipart?: boolean;
  }
}

/**
 * What the API accepts: JSON everywhere, multipart/form-data only on routes that take files;
 * anything else is 415. An empty JSON body counts as no body, so `curl -X POST -H
 * 'content-type: application/json' .../take` works like a bodyless POST.
 */
export function installContentTypes(api: FastifyInstance): void {
  // Prototype-poisoning keys (__proto__, constructor.prototype) are refused, not stripped.
  const parseJson = api.getDefaultJsonParser('error', 'error');
  api.removeContentTypeParser(['application/json', 'text/plain']);
  // parseAs 'string': the body arrives as a string (the type allows a Buffer for other settings).
  api.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body.length === 0) {
      done(null, undefined);
      return;
    }
    void parseJson(request, body as string, done);
  });
  api.addHook('preValidation', async (request) => {
    if (request.isMultipart() && !request.routeOptions.config.multipart) {
      throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'multipart/form-data is accepted only where files are');
    }
  });
}
