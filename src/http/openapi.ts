/** The OpenAPI document's header; paths come from the route schemas. */
export function openApiInfo() {
  return {
    openapi: '3.0.3',
    info: {
      title: 'Helpdesk REST API',
      version: '1.0.0',
      description:
        'Tickets, comments and actions under the access policy of the person behind the token. ' +
        'Create a token with `helpdesk token create --person <email> --name <label>`. ' +
        'Errors: `{ error: { code, message, fields? } }` with stable codes; messages follow Accept-Language (en, ru).',
    },
    servers: [{ url: '/' }],
    components: { securitySchemes: { bearer: { type: 'http' as const, scheme: 'bearer' } } },
    security: [{ bearer: [] }],
  };
}
