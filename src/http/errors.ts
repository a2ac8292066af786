import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HelpdeskError, type FieldError } from '../errors.js';
import type { I18n } from '../i18n/translate.js';

interface ErrorBody {
  error: { code: string; message: string; fields?: FieldError[] };
}

/** Fastify's own errors that are the client's fault, with the code we report. */
const clientErrors: Record<string, { status: number; code: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'PAYLOAD_TOO_LARGE' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'VALIDATION_FAILED' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'MALFORMED_JSON' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'VALIDATION_FAILED' },
  FST_REQ_FILE_TOO_LARGE: { status: 413, code: 'FILE_TOO_LARGE' },
  FST_PARTS_LIMIT: { status: 413, code: 'PAYLOAD_TOO_LARGE' },
  FST_FILES_LIMIT: { status: 413, code: 'PAYLOAD_TOO_LARGE' },
  FST_FIELDS_LIMIT: { status: 413, code: 'PAYLOAD_TOO_LARGE' },
  FST_INVALID_MULTIPART_CONTENT_TYPE: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
};

function validationFields(error: FastifyError): FieldError[] {
  return (error.validation ?? []).map((issue) => {
    const base = `${error.validationContext ?? 'body'}${issue.instancePath.replace(/\//g, '.')}`;
    const params: Record<string, unknown> = issue.params;
    const extra = typeof params.additionalProperty === 'string' ? `.${params.additionalProperty}` : '';
    const missing = typeof params.missingProperty === 'string' ? `.${params.missingProperty}` : '';
    const message = extra ? 'unknown field' : (issue.message ?? 'invalid');
    return { path: base + extra + missing, message };
  });
}

/**
 * Maps every error to a JSON body with a stable code and a message in the caller's language.
 * A 5xx never carries the internal error's text: it is logged, not returned.
 */
export function installErrorHandlers(app: FastifyInstance, i18n: I18n, maxFileBytes: number): void {
  const send = (request: FastifyRequest, reply: FastifyReply, status: number, code: string, params: Record<string, string | number> = {}, fields?: FieldError[]) => {
    const locale = i18n.resolveLocale(request.actor?.locale ?? request.headers['accept-language']);
    const body: ErrorBody = { error: { code, message: i18n.translate(locale, `error.${code}`, params) } };
    if (fields?.length) body.error.fields = fields;
    return reply.status(status).send(body);
  };

  app.setErrorHandler((error: FastifyError | HelpdeskError, request, reply) => {
    if (error instanceof HelpdeskError) {
      return send(request, reply, error.httpStatus, error.code, error.params, error.fields);
    }
    if (error.validation) {
      return send(request, reply, 400, 'VALIDATION_FAILED', {}, validationFields(error));
    }
    const known = error.code ? clientErrors[error.code] : undefined;
    if (known) return send(request, reply, known.status, known.code, { name: '', limit: maxFileBytes });
    if (error instanceof SyntaxError || (error.statusCode && error.statusCode >= 400 && error.statusCode < 500)) {
      return send(request, reply, error.statusCode && error.statusCode < 500 ? error.statusCode : 400, 'BAD_REQUEST');
    }
    request.log.error({ err: error }, 'request failed');
    return send(request, reply, 500, 'INTERNAL');
  });

  app.setNotFoundHandler((request, reply) => send(request, reply, 404, 'NOT_FOUND'));
}
