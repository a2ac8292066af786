import type { SwaggerOptions } from '@fastify/swagger';

interface Operation {
  requestBody?: { required?: boolean; content?: Record<string, { schema?: { nullable?: boolean } }> };
}

/**
 * @fastify/swagger marks every request body required; the bodyless actions (take, resolve...)
 * accept no body at all, which their nullable empty-object schema says: mark those optional.
 */
function optionalEmptyBodies<T extends { paths?: object }>(document: T): T {
  for (const path of Object.values(document.paths ?? {}) as Record<string, Operation>[]) {
    for (const operation of Object.values(path)) {
      const body = operation.requestBody;
      if (body?.content?.['application/json']?.schema?.nullable) body.required = false;
    }
  }
  return document;
}

/**
 * The OpenAPI document (served as JSON at /docs/json, browsable at /docs). Paths and schemas
 * come from the route definitions, so the document cannot drift from what is validated.
 */
export function openApiOptions(): SwaggerOptions {
  return {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Helpdesk REST API',
        version: '1.0.0',
        description:
          'Tickets, comments and actions, performed as the person behind the API token and under the same access policy as in the chats. ' +
          'Create a token with `helpdesk token create --person <email> --name <label>` and send it as `Authorization: Bearer <token>`.\n\n' +
          'Errors are `{ "error": { "code", "message", "fields"? } }`: `code` is stable, `message` follows Accept-Language (en, ru), ' +
          '`fields` lists `{ path, message }` for invalid input (`body.title`, `query.page`, `params.number`).',
      },
      servers: [{ url: '/' }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API token (hd_...)' } } },
      security: [{ bearer: [] }],
      tags: [
        { name: 'tickets', description: 'Open, list, read tickets, their journal and attachments' },
        { name: 'ticket actions', description: 'Comments, state changes and edits; each recorded as one journal event' },
        { name: 'departments', description: 'Where tickets go' },
        { name: 'people', description: 'Who is calling' },
        { name: 'health', description: 'Probes for orchestrators (no token)' },
      ],
    },
    transformObject: (document) => ('openapiObject' in document ? optionalEmptyBodies(document.openapiObject) : document.swaggerObject),
    // Shared schemas appear as components named by their $id (Ticket, JournalEvent, Error...).
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  };
}
