import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HelpdeskError, type FieldError } from '../errors.js';
import type { I18n } from '../i18n/translate.js';
import { HttpError } from './http-error.js';
import { requestLocale } from './locale.js';
import { fieldErrorsFromAjv, underPart } from './validation-errors.js';
import { needsReopen } from '../tickets/transition-error.js';

export interface ErrorBody {
  error: { code: string; message: string; fields?: FieldError[] };
}

type SendError = (
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: string,
  params?: Record<string, string | number>,
  fields?: FieldError[],
) => FastifyReply;

interface Limits {
  bodyLimit: number;
  maxFileBytes: number;
}

/** A refusal on a resolved or closed ticket also says what to do: reopen it first. */
function messageKey(code: string, params: Record<string, string | number>): string {
  return code === 'INVALID_TRANSITION' && needsReopen(params) ? 'error.INVALID_TRANSITION_REOPEN' : `error.${code}`;
}

/** Answers with `{ error: { code, message, fields? } }`, the message in the caller's language. */
export function createErrorSender(i18n: I18n): SendError {
  return (request, reply, status, code, params = {}, fields = []) => {
    const body: ErrorBody = { error: { code, message: i18n.translate(requestLocale(request, i18n), messageKey(code, params), params) } };
    if (fields.length > 0) body.error.fields = fields;
    return reply
      .status(status)
      .headers(status === 401 ? { 'www-authenticate': 'Bearer' } : {})
      .send(body);
  };
}

/** Fastify's and @fastify/multipart's own client errors, by their code. */
function knownClientError(code: string | undefined, limits: Limits): { status: number; code: string; params?: Record<string, number> } | null {
  switch (code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, code: 'BODY_TOO_LARGE', params: { limit: limits.bodyLimit } };
    case 'FST_REQ_FILE_TOO_LARGE':
      return { status: 413, code: 'FILE_TOO_LARGE', params: { limit: limits.maxFileBytes } };
    case 'FST_PARTS_LIMIT':
    case 'FST_FILES_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return { status: 413, code: 'PAYLOAD_TOO_LARGE' };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, code: 'MALFORMED_JSON' };
    case 'FST_PROTO_VIOLATION':
    case 'FST_INVALID_JSON_FIELD_ERROR':
    case 'FST_MP_PREMATURE_CLOSE':
      return { status: 400, code: 'MALFORMED_MULTIPART' };
    default:
      return null;
  }
}

/** Any other 4xx fastify raises (bad content length, bad URL): the client's fault, reported plainly. */
function genericClientError(status: number): string {
  if (status === 404) return 'NOT_FOUND';
  if (status === 413) return 'PAYLOAD_TOO_LARGE';
  if (status === 415) return 'UNSUPPORTED_MEDIA_TYPE';
  return 'BAD_REQUEST';
}

/**
 * Maps every error to the JSON error body with a stable code. Core errors keep their code and
 * field list (the core's field paths name body fields, so they get the `body.` prefix like
 * schema errors do). Anything unexpected is logged and answered 500 with a generic message:
 * no stack, no database text ever reaches the client.
 */
export function installErrorHandlers(app: FastifyInstance, i18n: I18n, limits: Limits): void {
  const send = createErrorSender(i18n);
  app.setErrorHandler((error: unknown, request, reply) => {
    // Refused before its body was read to the end (a file over the limit): the rest of the body
    // is still on the connection, where the next request would wait behind it for ever. Close
    // the connection after this answer; the client opens a new one.
    if (!request.raw.complete) reply.header('connection', 'close');
    if (error instanceof HelpdeskError) {
      return send(request, reply, error.httpStatus, error.code, error.params, underPart('body', error.fields));
    }
    if (error instanceof HttpError) return send(request, reply, error.status, error.code, error.params);
    // Anything may be thrown (even a string); only objects carry fastify's fields.
    const fastifyError: Partial<FastifyError> = typeof error === 'object' && error !== null ? error : {};
    if (fastifyError.validation) {
      const part = fastifyError.validationContext === 'querystring' ? 'query' : (fastifyError.validationContext ?? 'body');
      return send(request, reply, 400, 'VALIDATION_FAILED', {}, underPart(part, fieldErrorsFromAjv(fastifyError.validation)));
    }
    const known = knownClientError(fastifyError.code, limits);
    if (known) return send(request, reply, known.status, known.code, known.params);
    const status = fastifyError.statusCode;
    if (typeof fastifyError.code === 'string' && fastifyError.code.startsWith('FST_') && status && status >= 400 && status < 500) {
      return send(request, reply, status, genericClientError(status));
    }
    request.log.error({ err: error }, 'request failed');
    return send(request, reply, 500, 'INTERNAL');
  });
  app.setNotFoundHandler((request, reply) => send(request, reply, 404, 'NOT_FOUND'));
}

/** For fastify's `frameworkErrors` (bad URL encoding, overlong path parameter), answered before routing. */
export function frameworkErrorHandler(i18n: I18n) {
  const send = createErrorSender(i18n);
  return (_error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    void send(request, reply, 400, 'BAD_REQUEST');
  };
}
