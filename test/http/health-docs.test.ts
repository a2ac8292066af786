import { beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase } from '../../src/db/connection.js';
import { useTestDatabase } from '../support/database.js';
import { startApi, type TestApi } from '../support/fixtures.js';

const db = useTestDatabase('http_health');
let api: TestApi;

beforeAll(async () => {
  api = await startApi(db.current);
});

type Json = Record<string, unknown>;
const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const schemaTypes = ['string', 'number', 'integer', 'boolean', 'array', 'object'];

/**
 * The rules of OpenAPI 3.0 a generator can get wrong, checked without a network validator:
 * version, info, path templates and their parameters, responses with descriptions, resolvable
 * $refs, and schema types that exist in 3.0 (no type arrays, no `null` type, no $id).
 */
function openApiProblems(doc: Json): string[] {
  const problems: string[] = [];
  if (typeof doc.openapi !== 'string' || !/^3\.0\.\d+$/.test(doc.openapi)) problems.push(`openapi version ${String(doc.openapi)}`);
  const info = doc.info as Json | undefined;
  if (typeof info?.title !== 'string' || typeof info.version !== 'string') problems.push('info.title/version');
  const components = (doc.components ?? {}) as { schemas?: Json; securitySchemes?: Json };
  const schema = (value: unknown, where: string): void => {
    if (!value || typeof value !== 'object') {
      problems.push(`${where}: not a schema`);
      return;
    }
    const node = value as Json;
    if (typeof node.$ref === 'string') {
      const name = /^#\/components\/schemas\/(.+)$/.exec(node.$ref)?.[1];
      if (!name || !components.schemas?.[name]) problems.push(`${where}: unresolved $ref ${node.$ref}`);
    }
    if ('type' in node && !(typeof node.type === 'string' && schemaTypes.includes(node.type))) problems.push(`${where}: type ${JSON.stringify(node.type)}`);
    if ('$id' in node) problems.push(`${where}: $id`);
    if ('nullable' in node && !('type' in node)) problems.push(`${where}: nullable without type`);
    for (const [key, child] of Object.entries((node.properties ?? {}) as Json)) schema(child, `${where}/properties/${key}`);
    if (node.items) schema(node.items, `${where}/items`);
    if (node.additionalProperties && typeof node.additionalProperties === 'object') schema(node.additionalProperties, `${where}/additionalProperties`);
    for (const key of ['allOf', 'anyOf', 'oneOf'] as const) ((node[key] ?? []) as unknown[]).forEach((child, i) => schema(child, `${where}/${key}/${i}`));
  };
  const content = (value: unknown, where: string): void => {
    for (const [type, media] of Object.entries((value ?? {}) as Record<string, Json>)) schema(media.schema, `${where}/${type}`);
  };
  for (const [name, child] of Object.entries(components.schemas ?? {})) schema(child, `#/components/schemas/${name}`);
  for (const [path, item] of Object.entries((doc.paths ?? {}) as Record<string, Json>)) {
    if (!path.startsWith('/')) problems.push(`path ${path}`);
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    for (const [method, op] of Object.entries(item)) {
      if (!methods.includes(method)) {
        problems.push(`${path}: ${method}`);
        continue;
      }
      const operation = op as { parameters?: Json[]; responses?: Record<string, Json>; requestBody?: Json; security?: Json[] };
      const where = `${method.toUpperCase()} ${path}`;
      for (const parameter of operation.parameters ?? []) {
        if (typeof parameter.name !== 'string' || !['query', 'header', 'path', 'cookie'].includes(parameter.in as string) || !parameter.schema) {
          problems.push(`${where}: parameter ${JSON.stringify(parameter)}`);
        }
        schema(parameter.schema, `${where}: parameter ${String(parameter.name)}`);
        if (parameter.in === 'path' && (parameter.required !== true || !templated.includes(parameter.name as string))) problems.push(`${where}: path parameter ${String(parameter.name)}`);
      }
      for (const name of templated) {
        if (!(operation.parameters ?? []).some((p) => p.in === 'path' && p.name === name)) problems.push(`${where}: {${name}} undeclared`);
      }
      const responses = Object.entries(operation.responses ?? {});
      if (responses.length === 0) problems.push(`${where}: no responses`);
      for (const [status, response] of responses) {
        if (!/^([1-5]\d\d|default)$/.test(status) || typeof response.description !== 'string') problems.push(`${where}: response ${status}`);
        content(response.content, `${where} ${status}`);
      }
      if (operation.requestBody && typeof operation.requestBody.content !== 'object') problems.push(`${where}: requestBody`);
      content(operation.requestBody?.content, `${where} body`);
      for (const requirement of operation.security ?? []) {
        for (const scheme of Object.keys(requirement)) if (!components.securitySchemes?.[scheme]) problems.push(`${where}: security ${scheme}`);
      }
    }
  }
  return problems;
}

describe('health probes', () => {
  it('/healthz answers without the database; /readyz pings it, 503 when it is gone', async () => {
    expect(await api.call(null, 'GET', '/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await api.call(null, 'GET', '/readyz')).toMatchObject({ status: 200, body: { status: 'ready' } });

    const lost = await connectDatabase(db.uri);
    const orphan = await startApi(lost);
    await lost.close();
    expect(await orphan.call(null, 'GET', '/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
    const started = Date.now();
    expect(await orphan.call(null, 'GET', '/readyz')).toMatchObject({ status: 503, body: { status: 'database unreachable' } });
    expect(Date.now() - started).toBeLessThan(5_000);
    await orphan.app.close();
  });
});

describe('OpenAPI document', () => {
  it('is valid OpenAPI 3.0 and lists every route', async () => {
    const { status, body: doc } = await api.call(null, 'GET', '/docs/json');
    expect(status).toBe(200);
    expect(openApiProblems(doc)).toEqual([]);
    const documented = Object.entries(doc.paths as Record<string, Json>).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));
    const expected = [
      'GET /healthz', 'GET /readyz',
      'POST /api/v1/tickets', 'GET /api/v1/tickets', 'GET /api/v1/tickets/{number}', 'PATCH /api/v1/tickets/{number}',
      'GET /api/v1/tickets/{number}/journal', 'GET /api/v1/tickets/{number}/attachments/{fileId}',
      'POST /api/v1/tickets/{number}/comments', 'POST /api/v1/tickets/{number}/take', 'POST /api/v1/tickets/{number}/release',
      'POST /api/v1/tickets/{number}/wait', 'POST /api/v1/tickets/{number}/resume', 'POST /api/v1/tickets/{number}/resolve',
      'POST /api/v1/tickets/{number}/close', 'POST /api/v1/tickets/{number}/reopen', 'POST /api/v1/tickets/{number}/rate',
      'GET /api/v1/departments', 'GET /api/v1/me', 'GET /api/v1/me/notifications', 'PUT /api/v1/me/notifications',
      'GET /api/v1/schedules', 'POST /api/v1/schedules', 'POST /api/v1/schedules/{id}/pause', 'POST /api/v1/schedules/{id}/resume',
      'DELETE /api/v1/schedules/{id}',
      'GET /api/v1/reports/tickets.xlsx', 'GET /api/v1/reports/stats.png', 'GET /api/v1/reports/stats',
      'POST /api/v1/directory/sync',
    ];
    expect(documented.sort()).toEqual(expected.sort());
    for (const route of documented) {
      const [method, path] = route.split(' ') as [string, string];
      expect(api.app.hasRoute({ method, url: path.replace(/\{(\w+)\}/g, ':$1') }), route).toBe(true);
    }
    expect(doc.components.schemas.Ticket.properties).not.toHaveProperty('staffKeywords');
    expect(doc.paths['/api/v1/tickets'].post.requestBody.content).toHaveProperty('multipart/form-data');
    expect(doc.paths['/api/v1/tickets/{number}/take'].post.requestBody.required).toBe(false);
    expect(doc.paths['/api/v1/tickets'].post.responses).toHaveProperty('413');
    expect(doc.paths['/healthz'].get.security).toEqual([]);
    expect(doc.security).toEqual([{ bearer: [] }]);
  });

  it('has a checker that does catch what 3.0 forbids', () => {
    const broken = {
      openapi: '3.1.0',
      info: { title: 'x' },
      paths: {
        '/t/{id}': { get: { responses: { 200: { content: { 'application/json': { schema: { type: ['string', 'null'], properties: { a: { $ref: '#/components/schemas/Nope' } } } } } } } } },
      },
    };
    expect(openApiProblems(broken)).toEqual([
      'openapi version 3.1.0',
      'info.title/version',
      'GET /t/{id}: {id} undeclared',
      'GET /t/{id}: response 200',
      'GET /t/{id} 200/application/json: type ["string","null"]',
      'GET /t/{id} 200/application/json/properties/a: unresolved $ref #/components/schemas/Nope',
    ]);
  });

  it('serves the browsable UI at /docs', async () => {
    const page = await api.app.inject({ method: 'GET', url: '/docs' });
    expect(page.statusCode).toBeLessThan(400);
    const html = page.statusCode === 200 ? page.body : (await api.app.inject({ method: 'GET', url: page.headers.location as string })).body;
    expect(html).toContain('swagger-ui');
  });
});
